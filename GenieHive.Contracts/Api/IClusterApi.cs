using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Observations;
using GenieHive.Contracts.Routing;
using Refit;

namespace GenieHive.Contracts.Api;

/// <summary>
/// Control's operator API (<c>/v1/cluster/*</c>), used by the facade (which re-exposes it at the same
/// paths), the command-line client and tests. The client key is added by a delegating handler.
/// Every call returns <see cref="IApiResponse{T}"/> so that callers can relay Control's own status and error body.
/// </summary>
public interface IClusterApi
{
    [Get("/v1/cluster/hosts")]
    Task<IApiResponse<ListResponse<HostView>>> GetHostsAsync(CancellationToken cancellationToken = default);

    [Get("/v1/cluster/services")]
    Task<IApiResponse<ListResponse<ServiceView>>> GetServicesAsync(CancellationToken cancellationToken = default);

    [Get("/v1/cluster/roles")]
    Task<IApiResponse<ListResponse<RoleView>>> GetRolesAsync(CancellationToken cancellationToken = default);

    [Get("/v1/cluster/health")]
    Task<IApiResponse<ClusterHealth>> GetHealthAsync(CancellationToken cancellationToken = default);

    [Get("/v1/cluster/benchmarks")]
    Task<IApiResponse<ListResponse<BenchmarkSample>>> GetBenchmarksAsync(
        [AliasAs("service_id")] string? serviceId = null,
        [AliasAs("workload")] string? workload = null,
        CancellationToken cancellationToken = default);

    [Post("/v1/cluster/benchmarks")]
    Task<IApiResponse<BenchmarkIngestResult>> IngestBenchmarksAsync([Body] BenchmarkIngest ingest, CancellationToken cancellationToken = default);

    [Get("/v1/cluster/routes/resolve")]
    Task<IApiResponse<ResolveResponse>> ResolveAsync(
        [AliasAs("model")] string model,
        [AliasAs("kind")] string? kind = null,
        CancellationToken cancellationToken = default);

    [Post("/v1/cluster/routes/match")]
    Task<IApiResponse<RouteMatchResponse>> MatchAsync([Body] RouteMatchRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Long poll: answers at once with the current table when its version is greater than <paramref name="after"/>,
    /// otherwise waits up to <paramref name="waitSeconds"/> for a change and answers 204 if none came.
    /// </summary>
    [Get("/v1/cluster/routing-table")]
    Task<IApiResponse<RoutingTable>> GetRoutingTableAsync(
        [AliasAs("after")] long? after = null,
        [AliasAs("wait")] int? waitSeconds = null,
        CancellationToken cancellationToken = default);

    [Post("/v1/cluster/observations")]
    Task<IApiResponse<StatusResponse>> ReportObservationsAsync([Body] ObservationReport report, CancellationToken cancellationToken = default);

    /// <summary>Starts a benchmark run (202 with the queued run).</summary>
    [Post("/v1/cluster/benchmarks/runs")]
    Task<IApiResponse<BenchmarkRun>> StartBenchmarkRunAsync([Body] BenchmarkRunRequest request, CancellationToken cancellationToken = default);

    /// <summary>Benchmark runs, newest first.</summary>
    [Get("/v1/cluster/benchmarks/runs")]
    Task<IApiResponse<ListResponse<BenchmarkRun>>> GetBenchmarkRunsAsync(
        [AliasAs("status")] string? status = null,
        [AliasAs("limit")] int? limit = null,
        CancellationToken cancellationToken = default);

    [Get("/v1/cluster/benchmarks/runs/{id}")]
    Task<IApiResponse<BenchmarkRun>> GetBenchmarkRunAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Cancels a queued or running run; answers the run as it is after cancelling.</summary>
    [Delete("/v1/cluster/benchmarks/runs/{id}")]
    Task<IApiResponse<BenchmarkRun>> CancelBenchmarkRunAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The workloads runs can use (built in and from <c>GenieHive:Benchmarks:WorkloadsPath</c>).</summary>
    [Get("/v1/cluster/benchmarks/workloads")]
    Task<IApiResponse<ListResponse<BenchmarkWorkloadView>>> GetBenchmarkWorkloadsAsync(CancellationToken cancellationToken = default);
}
