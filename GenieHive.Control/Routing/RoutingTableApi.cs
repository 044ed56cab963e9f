using System.Globalization;
using GenieHive.Control.Auth;
using GenieHive.Control.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenieHive.Control.Routing;

/// <summary>
/// <c>GET /v1/cluster/routing-table?after=V&amp;wait=S</c>: the long poll the facade follows. The current
/// table at once when its version differs from <c>after</c>; otherwise the next version within <c>wait</c>
/// seconds (default 8, at most 25), or 204 when none came.
/// </summary>
public static class RoutingTableApi
{
    public const int DefaultWaitSeconds = 8;
    public const int MaxWaitSeconds = 25;

    /// <summary>Maps the routing table long poll.</summary>
    public static RouteGroupBuilder MapRoutingTableApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapClientKeyGroup("/v1/cluster", "Routing table");

        group.MapGet("/routing-table", GetRoutingTableAsync);
        return group;
    }

    private static async Task<Results<FileContentHttpResult, NoContent, ProblemHttpResult>> GetRoutingTableAsync(
        HttpContext context, RoutingTablePublisher publisher, IHostApplicationLifetime lifetime)
    {
        var (poll, problem) = LongPollQuery.Read(context.Request.Query, "routing table", DefaultWaitSeconds, MaxWaitSeconds);
        if (problem is not null)
        {
            return problem;
        }

        var (after, wait) = poll;
        if (after is null)
        {
            // A plain fetch (a facade starting, an operator looking) sees every change made so far.
            return Table(context, publisher.Fresh());
        }

        // A stopping Control answers its waiters at once instead of holding shutdown for up to 25 seconds.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        Publication? publication;
        try
        {
            publication = await publisher.WaitForNewerAsync(after, TimeSpan.FromSeconds(wait), linked.Token);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            publication = null;
        }

        if (publication is null)
        {
            return TypedResults.NoContent();
        }

        return Table(context, publication);
    }

    private static FileContentHttpResult Table(HttpContext context, Publication publication)
    {
        context.Response.Headers["X-GenieHive-Routing-Version"] = publication.Version.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Bytes(publication.Json, "application/json");
    }
}
