using GenieHive.Contracts.Api;
using GenieHive.Contracts.Json;

namespace GenieHive.Facade.Cluster;

/// <summary>Control's benchmark runs and workloads, relayed at the same paths as the rest of the operator API.</summary>
public static partial class ClusterApi
{
    /// <summary>Maps <c>/v1/cluster/benchmarks/runs*</c> and <c>/v1/cluster/benchmarks/workloads</c> on the cluster group.</summary>
    private static RouteGroupBuilder MapBenchmarkRunRelay(this RouteGroupBuilder group)
    {
        group.MapPost("/benchmarks/runs", StartBenchmarkRunAsync);
        group.MapGet("/benchmarks/runs", GetBenchmarkRunsAsync);
        group.MapGet("/benchmarks/runs/{id}", (string id, IClusterApi api, HttpContext context) =>
            RelayAsync(api.GetBenchmarkRunAsync(id, context.RequestAborted), GenieHiveJsonContext.Default.BenchmarkRun, context));
        group.MapDelete("/benchmarks/runs/{id}", CancelBenchmarkRunAsync);
        group.MapPost("/benchmarks/runs/{id}/cancel", CancelBenchmarkRunAsync);
        group.MapGet("/benchmarks/workloads", (IClusterApi api, HttpContext context) =>
            RelayAsync(api.GetBenchmarkWorkloadsAsync(context.RequestAborted), GenieHiveJsonContext.Default.ListResponseBenchmarkWorkloadView, context));
        return group;
    }

    private static async Task<IResult> StartBenchmarkRunAsync(IClusterApi api, HttpContext context)
    {
        var (request, problem) = await ReadBodyAsync(context, GenieHiveJsonContext.Default.BenchmarkRunRequest);
        return request is null
            ? problem!
            : await RelayAsync(api.StartBenchmarkRunAsync(request, context.RequestAborted), GenieHiveJsonContext.Default.BenchmarkRun, context);
    }

    private static Task<IResult> GetBenchmarkRunsAsync(IClusterApi api, HttpContext context)
    {
        var query = context.Request.Query;
        int? limit = int.TryParse(query["limit"], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : null;
        return RelayAsync(api.GetBenchmarkRunsAsync(NullIfEmpty(query["status"]), limit, context.RequestAborted),
            GenieHiveJsonContext.Default.ListResponseBenchmarkRun, context);
    }

    private static Task<IResult> CancelBenchmarkRunAsync(string id, IClusterApi api, HttpContext context) =>
        RelayAsync(api.CancelBenchmarkRunAsync(id, context.RequestAborted), GenieHiveJsonContext.Default.BenchmarkRun, context);
}
