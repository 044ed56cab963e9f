using GenieHive.Contracts.Cluster;
using Refit;

namespace GenieHive.Contracts.Api;

/// <summary>
/// What the benchmarker asks of Control (client key, added by a delegating handler): claim a queued run, renew its
/// lease, report each case and each service, follow the schedule (the routing table and route explanations come from
/// <see cref="IClusterApi"/>). Control holds all run state; the benchmarker holds none across calls.
/// </summary>
/// <remarks>
/// Claims and schedule runs are not idempotent and are never retried. Case reports are keyed by their index and
/// target and run finishes by their state, so Control applies a repeated one once; the benchmarker re-sends those
/// itself when Control was briefly unreachable, and never re-sends a case to the facade.
/// </remarks>
public interface IBenchmarkWorkApi
{
    /// <summary>The oldest queued run, now leased to the caller; 204 when none was queued within the wait.</summary>
    [Post("/v1/cluster/benchmarks/runs/claim")]
    Task<IApiResponse<BenchmarkRunClaim>> ClaimAsync([Body] BenchmarkClaimRequest request, CancellationToken cancellationToken = default);

    /// <summary>Renews the lease; 409 when the run has finished meanwhile (cancelled by an operator, or its lease ran out).</summary>
    [Post("/v1/cluster/benchmarks/runs/{id}/lease")]
    Task<IApiResponse<BenchmarkRunLease>> RenewLeaseAsync(string id, CancellationToken cancellationToken = default);

    [Post("/v1/cluster/benchmarks/runs/{id}/targets/{serviceId}/start")]
    Task<IApiResponse<BenchmarkRunTarget>> StartTargetAsync(string id, string serviceId, CancellationToken cancellationToken = default);

    [Put("/v1/cluster/benchmarks/runs/{id}/targets/{serviceId}/cases/{index}")]
    Task<IApiResponse<BenchmarkRunTarget>> ReportCaseAsync(
        string id, string serviceId, int index, [Body] BenchmarkCaseMeasurement measurement, CancellationToken cancellationToken = default);

    [Post("/v1/cluster/benchmarks/runs/{id}/targets/{serviceId}/finish")]
    Task<IApiResponse<BenchmarkRunTarget>> FinishTargetAsync(
        string id, string serviceId, [Body] BenchmarkTargetFinish finish, CancellationToken cancellationToken = default);

    [Post("/v1/cluster/benchmarks/runs/{id}/finish")]
    Task<IApiResponse<BenchmarkRun>> FinishRunAsync(string id, [Body] BenchmarkRunFinish finish, CancellationToken cancellationToken = default);

    [Get("/v1/cluster/benchmarks/schedule")]
    Task<IApiResponse<BenchmarkSchedule>> GetScheduleAsync(CancellationToken cancellationToken = default);

    /// <summary>Queues a schedule entry now (202 with the run), or says why it cannot run (400, 404, 409).</summary>
    [Post("/v1/cluster/benchmarks/schedule/{index}/runs")]
    Task<IApiResponse<BenchmarkRun>> RunScheduleEntryAsync(int index, [Body] BenchmarkScheduleRunRequest request, CancellationToken cancellationToken = default);
}
