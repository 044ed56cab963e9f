using System.Globalization;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Control.Auth;
using GenieHive.Control.Benchmarks.Runs;
using GenieHive.Control.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenieHive.Control.Benchmarks;

/// <summary>
/// What the benchmarker calls (GenieHive.Benchmarker; client key), under <c>/v1/cluster/benchmarks/runs</c>:
/// <c>POST claim</c> (long poll: 200 with the oldest queued run, leased, or 204), <c>POST {id}/lease</c>,
/// <c>POST {id}/targets/{service_id}/start</c>, <c>PUT {id}/targets/{service_id}/cases/{index}</c>,
/// <c>POST {id}/targets/{service_id}/finish</c> and <c>POST {id}/finish</c>. A run that finished meanwhile
/// (cancelled, or its lease ran out) answers 409 with its <c>run_status</c>, and the benchmarker stops measuring it.
/// </summary>
public static class BenchmarkWorkApi
{
    private const int MaxErrorLength = 2048;
    private const int MaxVectors = 16;

    /// <summary>Maps the claim and report endpoints.</summary>
    public static RouteGroupBuilder MapBenchmarkWorkApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapClientKeyGroup("/v1/cluster/benchmarks/runs", "Benchmark work");

        group.MapPost("/claim", ClaimAsync);
        group.MapPost("/{id}/lease", RenewLeaseAsync);
        group.MapPost("/{id}/targets/{serviceId}/start", StartTargetAsync);
        group.MapPut("/{id}/targets/{serviceId}/cases/{index:int}", ReportCaseAsync);
        group.MapPost("/{id}/targets/{serviceId}/finish", FinishTargetAsync);
        group.MapPost("/{id}/finish", FinishRunAsync);
        return group;
    }

    private static async Task<Results<Ok<BenchmarkRunClaim>, NoContent, ProblemHttpResult>> ClaimAsync(
        HttpRequest request, JsonBody body, BenchmarkRunQueue queue, IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        var read = await body.ReadAsync(request, GenieHiveJsonContext.Default.BenchmarkClaimRequest, cancellationToken);
        if (read.Problem is not null)
        {
            return read.Problem;
        }

        var claim = read.Value!;
        if (claim.WaitSeconds is < 0)
        {
            return Problems.BadRequest("wait_seconds must not be negative.", "wait_seconds");
        }

        if (claim.Worker is { Length: > 256 })
        {
            return Problems.BadRequest("worker must be at most 256 characters.", "worker");
        }

        // A stopping Control answers its waiters at once instead of holding shutdown for the whole wait.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        var wait = TimeSpan.FromSeconds(Math.Min(claim.WaitSeconds ?? 0, BenchmarkRunQueue.MaxClaimWaitSeconds));
        try
        {
            return await queue.ClaimAsync(claim.Worker, wait, linked.Token) is { } claimed ? TypedResults.Ok(claimed) : TypedResults.NoContent();
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return TypedResults.NoContent();
        }
    }

    private static async Task<Results<Ok<BenchmarkRunLease>, ProblemHttpResult>> RenewLeaseAsync(
        string id, BenchmarkRunReports reports, Microsoft.Extensions.Options.IOptions<BenchmarksOptions> options, CancellationToken cancellationToken)
    {
        var result = await reports.RenewLeaseAsync(id, cancellationToken);
        return result.Status == ReportStatus.Applied
            ? TypedResults.Ok(new BenchmarkRunLease(result.Run!.Status, options.Value.LeaseSeconds))
            : Refused(id, result);
    }

    private static async Task<Results<Ok<BenchmarkRunTarget>, ProblemHttpResult>> StartTargetAsync(
        string id, string serviceId, BenchmarkRunReports reports, CancellationToken cancellationToken) =>
        TargetResult(id, serviceId, await reports.StartTargetAsync(id, serviceId, cancellationToken));

    private static async Task<Results<Ok<BenchmarkRunTarget>, ProblemHttpResult>> ReportCaseAsync(
        string id, string serviceId, int index, HttpRequest request, JsonBody body, BenchmarkRunReports reports, CancellationToken cancellationToken)
    {
        var read = await body.ReadAsync(request, GenieHiveJsonContext.Default.BenchmarkCaseMeasurement, cancellationToken);
        if (read.Problem is not null)
        {
            return read.Problem;
        }

        if (Validate(read.Value!) is { } problem)
        {
            return problem;
        }

        return TargetResult(id, serviceId, await reports.RecordCaseAsync(id, serviceId, index, read.Value!, cancellationToken));
    }

    private static async Task<Results<Ok<BenchmarkRunTarget>, ProblemHttpResult>> FinishTargetAsync(
        string id, string serviceId, HttpRequest request, JsonBody body, BenchmarkRunReports reports, CancellationToken cancellationToken)
    {
        var read = await body.ReadAsync(request, GenieHiveJsonContext.Default.BenchmarkTargetFinish, cancellationToken);
        if (read.Problem is not null)
        {
            return read.Problem;
        }

        if (read.Value!.Error is { Length: > MaxErrorLength })
        {
            return Problems.BadRequest($"error must be at most {MaxErrorLength} characters.", "error");
        }

        return TargetResult(id, serviceId, await reports.FinishTargetAsync(id, serviceId, read.Value!, cancellationToken));
    }

    private static async Task<Results<Ok<BenchmarkRun>, ProblemHttpResult>> FinishRunAsync(
        string id, HttpRequest request, JsonBody body, BenchmarkRunReports reports, CancellationToken cancellationToken)
    {
        var read = await body.ReadAsync(request, GenieHiveJsonContext.Default.BenchmarkRunFinish, cancellationToken);
        if (read.Problem is not null)
        {
            return read.Problem;
        }

        if (read.Value!.TimeBoundSeconds is { } bound && !(double.IsFinite(bound) && bound >= 0))
        {
            return Problems.BadRequest("time_bound_seconds must be a finite, non-negative number.", "time_bound_seconds");
        }

        var result = await reports.FinishRunAsync(id, read.Value!, cancellationToken);
        return result.Status == ReportStatus.Applied ? TypedResults.Ok(result.Run!) : Refused(id, result);
    }

    private static Results<Ok<BenchmarkRunTarget>, ProblemHttpResult> TargetResult(string id, string serviceId, ReportResult result) =>
        result.Status == ReportStatus.Applied && result.Target(serviceId) is { } target ? TypedResults.Ok(target) : Refused(id, result);

    private static ProblemHttpResult Refused(string id, ReportResult result) => result.Status switch
    {
        ReportStatus.UnknownRun => BenchmarkRunsApi.UnknownRun(id),
        ReportStatus.UnknownTarget => Problems.NotFound("Unknown service", result.Problem!, new Dictionary<string, object?> { ["run_id"] = id }),
        ReportStatus.NoSuchCase => Problems.BadRequest(result.Problem!, "index"),
        ReportStatus.RunFinished => Problems.Conflict(result.Problem!, new Dictionary<string, object?> { ["run_status"] = result.Run!.Status }),
        _ => Problems.Conflict(result.Problem ?? "The report does not follow the run's progress.", new Dictionary<string, object?> { ["run_id"] = id }),
    };

    private static ProblemHttpResult? Validate(BenchmarkCaseMeasurement measurement)
    {
        static bool Bad(double? value) => value is { } number && !(double.IsFinite(number) && number >= 0);

        var field = Bad(measurement.LatencyMs) ? "latency_ms"
            : Bad(measurement.TtftMs) ? "ttft_ms"
            : Bad(measurement.TokensPerSec) ? "tokens_per_sec"
            : measurement.PromptTokens is < 0 ? "prompt_tokens"
            : measurement.CompletionTokens is < 0 ? "completion_tokens"
            : null;
        if (field is not null)
        {
            return Problems.BadRequest(field + " must be a finite, non-negative number.", field);
        }

        if (measurement.Error is { Length: > MaxErrorLength })
        {
            return Problems.BadRequest($"error must be at most {MaxErrorLength} characters.", "error");
        }

        return measurement.Vectors is { Count: > MaxVectors }
            ? Problems.BadRequest(string.Create(CultureInfo.InvariantCulture, $"vectors has more than {MaxVectors} entries."), "vectors")
            : null;
    }
}
