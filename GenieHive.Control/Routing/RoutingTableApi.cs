using System.Globalization;
using GenieHive.Contracts.Routing;
using GenieHive.Control.Auth;
using GenieHive.Control.Diagnostics;
using GenieHive.Control.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenieHive.Control.Routing;

/// <summary>
/// <c>GET /v1/cluster/routing-table?after=V&amp;wait=S&amp;table_id=T&amp;delta=true</c>: the long poll the facade
/// follows. The current version at once when it differs from <c>after</c> (or <c>table_id</c> names another history);
/// otherwise the next version within <c>wait</c> seconds (default 8, at most 25), or 204 when none came. A version is
/// sent whole (<see cref="RoutingTable"/>) unless the client asked for deltas, named the history it holds and Control
/// still has the changes since <c>after</c>: then only what changed (<see cref="RoutingTableDelta"/>). The header
/// <c>X-GenieHive-Routing-Format</c> says which (<c>full</c> or <c>delta</c>).
/// </summary>
public static class RoutingTableApi
{
    public const int DefaultWaitSeconds = 8;
    public const int MaxWaitSeconds = 25;
    private const int MaxTableIdLength = 64;

    /// <summary>Maps the routing table long poll.</summary>
    public static RouteGroupBuilder MapRoutingTableApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapClientKeyGroup("/v1/cluster", "Routing table");

        group.MapGet("/routing-table", GetRoutingTableAsync);
        return group;
    }

    private static async Task<Results<FileContentHttpResult, NoContent, ProblemHttpResult>> GetRoutingTableAsync(
        HttpContext context, RoutingTablePublisher publisher, ControlTelemetry telemetry, IHostApplicationLifetime lifetime)
    {
        var (poll, problem) = LongPollQuery.Read(context.Request.Query, "routing table", DefaultWaitSeconds, MaxWaitSeconds);
        if (problem is not null)
        {
            return problem;
        }

        var (after, wait) = poll;
        string? tableId = null;
        var query = context.Request.Query;
        if (query.TryGetValue("table_id", out var tableIdText) && !string.IsNullOrEmpty(tableIdText))
        {
            tableId = tableIdText.ToString();
            if (tableId.Length > MaxTableIdLength)
            {
                return Problems.BadRequest($"table_id must be at most {MaxTableIdLength} characters (a table id Control sent).", "table_id");
            }
        }

        var deltas = false;
        if (query.TryGetValue("delta", out var deltaText) && !string.IsNullOrEmpty(deltaText) && !bool.TryParse(deltaText, out deltas))
        {
            return Problems.BadRequest("delta must be true or false.", "delta");
        }

        if (after is null)
        {
            // A plain fetch (a facade starting, an operator looking) sees every change made so far.
            return Whole(context, publisher.Fresh(), telemetry);
        }

        // A stopping Control answers its waiters at once instead of holding shutdown for up to 25 seconds.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        Publication? publication;
        try
        {
            publication = await publisher.WaitForNewerAsync(after, tableId, TimeSpan.FromSeconds(wait), linked.Token);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            publication = null;
        }

        if (publication is null)
        {
            return TypedResults.NoContent();
        }

        // A delta only continues the history the client holds; anything else (another replica, a restart) is sent whole.
        if (deltas && tableId == publication.TableId && publication.DeltaJson(after.Value) is { } delta)
        {
            return Send(context, publication, RoutingWatchWire.DeltaFormat, delta, telemetry);
        }

        return Whole(context, publication, telemetry);
    }

    private static FileContentHttpResult Whole(HttpContext context, Publication publication, ControlTelemetry telemetry) =>
        Send(context, publication, RoutingWatchWire.FullFormat, publication.Json, telemetry);

    private static FileContentHttpResult Send(HttpContext context, Publication publication, string format, byte[] body, ControlTelemetry telemetry)
    {
        var headers = context.Response.Headers;
        headers[RoutingWatchWire.VersionHeader] = publication.Version.ToString(CultureInfo.InvariantCulture);
        headers[RoutingWatchWire.TableIdHeader] = publication.TableId;
        headers[RoutingWatchWire.FormatHeader] = format;
        telemetry.RecordRoutingTableSent(format, body.Length);
        return TypedResults.Bytes(body, "application/json");
    }
}
