using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Control.Auth;
using GenieHive.Control.Benchmarks.Runs;
using GenieHive.Control.Benchmarks.Workloads;
using GenieHive.Control.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace GenieHive.Control.Benchmarks;

/// <summary>
/// Benchmark runs and workloads on the operator API, behind the client key (the facade re-exposes them):
/// <c>POST /v1/cluster/benchmarks/runs</c> (202 with the queued run, which the benchmarker claims),
/// <c>GET .../runs</c> (newest first), <c>GET .../runs/{id}</c>, <c>DELETE .../runs/{id}</c> or
/// <c>POST .../runs/{id}/cancel</c>, and <c>GET /v1/cluster/benchmarks/workloads</c>.
/// </summary>
public static class BenchmarkRunsApi
{
    public const int DefaultListLimit = 50;
    public const int MaxListLimit = 1000;

    /// <summary>Maps the run and workload endpoints under <c>/v1/cluster/benchmarks</c>.</summary>
    public static RouteGroupBuilder MapBenchmarkRunsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapClientKeyGroup("/v1/cluster/benchmarks", "Benchmarks");

        group.MapPost("/runs", StartAsync);
        group.MapGet("/runs", List);
        group.MapGet("/runs/{id}", Get);
        group.MapDelete("/runs/{id}", CancelAsync);
        group.MapPost("/runs/{id}/cancel", CancelAsync);
        group.MapGet("/workloads", GetWorkloads);
        return group;
    }

    private static async Task<Results<Accepted<BenchmarkRun>, ProblemHttpResult>> StartAsync(
        HttpRequest request, JsonBody body, BenchmarkRunPlanner planner, BenchmarkRunQueue queue, CancellationToken cancellationToken)
    {
        var read = await body.ReadAsync(request, GenieHiveJsonContext.Default.BenchmarkRunRequest, cancellationToken);
        if (read.Problem is not null)
        {
            return read.Problem;
        }

        var plan = planner.Plan(read.Value!, BenchmarkRunTriggers.Manual);
        if (plan.Run is null)
        {
            return plan.ToProblem();
        }

        var run = await queue.SubmitAsync(plan.Run, cancellationToken);
        return TypedResults.Accepted($"/v1/cluster/benchmarks/runs/{run.Id}", run);
    }

    private static Results<Ok<ListResponse<BenchmarkRun>>, ProblemHttpResult> List(
        BenchmarkRunStore runs,
        [FromQuery(Name = "status")] string? status,
        [FromQuery(Name = "limit")] string? limitText)
    {
        // Read as text: a bound int? answered "limit=" with a 500 (found by the endpoint fuzz suite).
        int? limit = null;
        if (!string.IsNullOrEmpty(limitText))
        {
            if (!int.TryParse(limitText, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
            {
                return Problems.BadRequest($"limit must be from 1 to {MaxListLimit}.", "limit");
            }

            limit = parsed;
        }

        status = string.IsNullOrEmpty(status) ? null : status;
        if (status is not null && status is not (BenchmarkRunStatuses.Queued or BenchmarkRunStatuses.Running or BenchmarkRunStatuses.Completed
            or BenchmarkRunStatuses.Failed or BenchmarkRunStatuses.Cancelled))
        {
            return Problems.BadRequest($"Unknown status '{status}'; expected queued, running, completed, failed or cancelled.", "status");
        }

        if (limit is < 1 or > MaxListLimit)
        {
            return Problems.BadRequest($"limit must be from 1 to {MaxListLimit}.", "limit");
        }

        return TypedResults.Ok(new ListResponse<BenchmarkRun>(runs.List(status, limit ?? DefaultListLimit)));
    }

    private static Results<Ok<BenchmarkRun>, ProblemHttpResult> Get(string id, BenchmarkRunStore runs) =>
        runs.Get(id) is { } run ? TypedResults.Ok(run) : UnknownRun(id);

    private static async Task<Results<Ok<BenchmarkRun>, ProblemHttpResult>> CancelAsync(
        string id, BenchmarkRunStore runs, BenchmarkRunReports reports, CancellationToken cancellationToken)
    {
        if (runs.Get(id) is not { } existing)
        {
            return UnknownRun(id);
        }

        if (BenchmarkRunStatuses.IsFinished(existing.Status))
        {
            return Problems.Conflict($"Run '{id}' already {existing.Status}.", new Dictionary<string, object?> { ["run_status"] = existing.Status });
        }

        return await reports.CancelAsync(id, cancellationToken) is { } run ? TypedResults.Ok(run) : UnknownRun(id);
    }

    private static Ok<ListResponse<BenchmarkWorkloadView>> GetWorkloads(WorkloadCatalog workloads) =>
        TypedResults.Ok(new ListResponse<BenchmarkWorkloadView>([.. workloads.All.Select(w => w.ToView())]));

    /// <summary>The 404 of a run id nobody knows.</summary>
    public static ProblemHttpResult UnknownRun(string id) =>
        Problems.NotFound("Unknown run", $"No benchmark run '{id}'.", new Dictionary<string, object?> { ["run_id"] = id });
}
