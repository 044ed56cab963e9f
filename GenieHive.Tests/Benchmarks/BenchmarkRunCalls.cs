using System.Net;
using System.Net.Http.Json;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;

namespace GenieHive.Tests.Benchmarks;

/// <summary>The operator API's benchmark run calls, as the tests make them.</summary>
public static class BenchmarkRunCalls
{
    private static readonly GenieHiveJsonContext Json = GenieHiveJsonContext.Default;

    /// <summary>Starts a run (asserting the 202) and returns it as queued.</summary>
    public static async Task<BenchmarkRun> StartRunAsync(this HttpClient client, BenchmarkRunRequest request)
    {
        using var response = await client.PostAsJsonAsync("/v1/cluster/benchmarks/runs", request, Json.BenchmarkRunRequest, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(Json.BenchmarkRun, TestContext.Current.CancellationToken))!;
    }

    public static async Task<BenchmarkRun> GetRunAsync(this HttpClient client, string id) =>
        (await client.GetFromJsonAsync("/v1/cluster/benchmarks/runs/" + id, Json.BenchmarkRun, TestContext.Current.CancellationToken))!;

    /// <summary>The runs, newest first (the listing's default limit).</summary>
    public static async Task<List<BenchmarkRun>> ListRunsAsync(this HttpClient client) =>
        [.. (await client.GetFromJsonAsync("/v1/cluster/benchmarks/runs", Json.ListResponseBenchmarkRun, TestContext.Current.CancellationToken))!.Data];
}
