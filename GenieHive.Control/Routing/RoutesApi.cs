using System.Globalization;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Control.Auth;
using GenieHive.Control.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using GenieHive.Routing.Prediction;
using Microsoft.AspNetCore.Mvc;

namespace GenieHive.Control.Routing;

/// <summary>
/// Route explanations from the routing brain over the current table: <c>GET /v1/cluster/routes/resolve</c>
/// and <c>POST /v1/cluster/routes/match</c>. Control never scores on its own; it asks the same snapshot type
/// the facade routes with, so the explanation is the decision.
/// </summary>
public static class RoutesApi
{
    public const int MaxMatchLimit = 100;

    /// <summary>Maps resolve and match.</summary>
    public static RouteGroupBuilder MapRoutesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapClientKeyGroup("/v1/cluster", "Routes");

        group.MapGet("/routes/resolve", Resolve);
        group.MapPost("/routes/match", MatchAsync);
        return group;
    }

    private static Results<Ok<ResolveResponse>, ProblemHttpResult> Resolve(
        RoutingTablePublisher publisher,
        TimeProvider time,
        [FromQuery(Name = "model")] string? model,
        [FromQuery(Name = "kind")] string? kind,
        [FromQuery(Name = "prefix_hash")] string? prefixHash,
        [FromQuery(Name = "prefix_tokens")] string? prefixTokens,
        [FromQuery(Name = "prompt_tokens")] string? promptTokens)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return Problems.BadRequest("The query parameter 'model' is required.", "model");
        }

        kind = string.IsNullOrEmpty(kind) ? null : kind;
        if (kind is not null && !ServiceKinds.IsKnown(kind))
        {
            return Problems.BadRequest(KindMessage(kind), "kind");
        }

        var shape = RequestShape.None;
        if (!string.IsNullOrEmpty(prefixHash))
        {
            if (!ulong.TryParse(prefixHash, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hash) || hash == 0)
            {
                return Problems.BadRequest("prefix_hash must be a non-zero hexadecimal 64-bit number (the facade's geniehive.prefix_hash tag).", "prefix_hash");
            }

            if (!TryTokens(prefixTokens, out var prefix))
            {
                return Problems.BadRequest("prefix_tokens must be a whole number from 0 to " + MaxTokens.ToString(CultureInfo.InvariantCulture) + ".", "prefix_tokens");
            }

            if (!TryTokens(promptTokens, out var prompt))
            {
                return Problems.BadRequest("prompt_tokens must be a whole number from 0 to " + MaxTokens.ToString(CultureInfo.InvariantCulture) + ".", "prompt_tokens");
            }

            shape = new RequestShape(hash, prefix, Math.Max(prefix, prompt));
        }

        var resolution = publisher.Fresh().Snapshot.Explain(model, kind, time.UnixSeconds(), selector: null, live: null, shape);
        if (resolution is null)
        {
            return Problems.NotFound(
                "No route",
                $"Unknown model or role '{model}'.",
                new Dictionary<string, object?> { ["error"] = "no_route", ["model"] = model, ["kind"] = kind });
        }

        return TypedResults.Ok(new ResolveResponse("ok", resolution));
    }

    private static async Task<Results<Ok<RouteMatchResponse>, ProblemHttpResult>> MatchAsync(
        HttpRequest request, JsonBody body, RoutingTablePublisher publisher, TimeProvider time, CancellationToken cancellationToken)
    {
        var read = await body.ReadAsync(request, GenieHiveJsonContext.Default.RouteMatchRequest, cancellationToken);
        if (read.Problem is not null)
        {
            return read.Problem;
        }

        var match = read.Value!;
        if (match.Kind is not null && !ServiceKinds.IsKnown(match.Kind))
        {
            return Problems.BadRequest(KindMessage(match.Kind), "kind");
        }

        if (match.Limit is < 1 or > MaxMatchLimit)
        {
            return Problems.BadRequest($"limit must be between 1 and {MaxMatchLimit}.", "limit");
        }

        if ((match.Tasks?.Any(task => task is null) ?? false) || (match.Workloads?.Any(workload => workload is null) ?? false))
        {
            return Problems.BadRequest("tasks and workloads must be lists of strings.", match.Tasks?.Any(task => task is null) ?? false ? "tasks" : "workloads");
        }

        var normalized = match with { Tasks = match.Tasks ?? [], Workloads = match.Workloads ?? [] };
        return TypedResults.Ok(publisher.Fresh().Snapshot.Match(normalized, time.UnixSeconds()));
    }

    /// <summary>Token counts beyond any context window are refused rather than predicted.</summary>
    private const int MaxTokens = 10_000_000;

    private static bool TryTokens(string? value, out int tokens)
    {
        tokens = 0;
        return string.IsNullOrEmpty(value)
            || (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out tokens) && tokens <= MaxTokens);
    }

    private static string KindMessage(string kind) =>
        $"Unknown kind '{kind}'; expected {ServiceKinds.Expected}.";
}
