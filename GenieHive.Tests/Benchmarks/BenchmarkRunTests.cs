using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Control.Benchmarks.Workloads;
using GenieHive.Tests.Control;
using static GenieHive.Tests.Benchmarks.BenchmarkCluster;

namespace GenieHive.Tests.Benchmarks;

/// <summary>Runs through the real cluster: the facade relays the run API, the benchmarker measures through the facade.</summary>
[Collection(BenchmarkClusterCollection.Name)]
public sealed class BenchmarkRunTests(BenchmarkCluster cluster)
{
    private static readonly GenieHiveJsonContext Json = GenieHiveJsonContext.Default;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AKindRunMeasuresEveryEmbeddingsServiceWithTheCosineCheck()
    {
        var queued = await cluster.StartRunOkAsync(new BenchmarkRunRequest { Workload = BuiltInWorkloads.EmbeddingsSimilarity, Kind = ServiceKinds.Embeddings });

        var run = await cluster.WaitForRunAsync(queued.Id);

        Assert.Equal(BenchmarkRunStatuses.Completed, run.Status);
        var target = Assert.Single(run.Targets);
        Assert.Equal(FastEmbed, target.ServiceId);
        Assert.Equal(1.0, Result(target, "pass_rate"));
        Assert.All(target.Cases, c => Assert.StartsWith("cos(anchor, similar)", c.Detail, StringComparison.Ordinal));
        Assert.False(target.Results!.ContainsKey("ttft_ms"));
        Assert.True(Result(target, "prompt_tokens") > 0);
    }

    [Fact]
    public async Task ACancelledRunStopsAndStoresNoSampleForTheUnfinishedService()
    {
        var queued = await cluster.StartRunOkAsync(new BenchmarkRunRequest
        {
            Workload = BuiltInWorkloads.ConciseSupport,
            ServiceId = SlowChat,
            Repetitions = 3,
        });
        await ControlTestData.EventuallyAsync(() => cluster.GetRunAsync(queued.Id),
            r => r.Targets.Single().Status == BenchmarkRunStatuses.Running, seconds: 30);

        using var cancel = await cluster.Client.DeleteAsync("/v1/cluster/benchmarks/runs/" + queued.Id, Ct);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var run = (await cancel.Content.ReadFromJsonAsync(Json.BenchmarkRun, Ct))!;
        Assert.Equal(BenchmarkRunStatuses.Cancelled, run.Status);
        Assert.Equal("cancelled by the operator", run.Error);
        var target = Assert.Single(run.Targets);
        Assert.Equal(BenchmarkRunStatuses.Cancelled, target.Status);
        Assert.True(target.CasesDone < 9);
        Assert.Null(target.BenchmarkId);
        var samples = (await cluster.Client.GetFromJsonAsync("/v1/cluster/benchmarks?service_id=" + SlowChat, Json.ListResponseBenchmarkSample, Ct))!.Data;
        Assert.DoesNotContain(samples, s => s.Results["run_id"]?.GetValue<string>() == run.Id);

        using var again = await cluster.Client.DeleteAsync("/v1/cluster/benchmarks/runs/" + queued.Id, Ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task RunsAreListedNewestFirstAndWorkloadsAreListed()
    {
        var first = await cluster.StartRunOkAsync(new BenchmarkRunRequest { Workload = BuiltInWorkloads.EmbeddingsSimilarity, ServiceId = FastEmbed });
        var second = await cluster.StartRunOkAsync(new BenchmarkRunRequest { Workload = BuiltInWorkloads.EmbeddingsSimilarity, ServiceId = FastEmbed });
        await cluster.WaitForRunAsync(second.Id);

        var runs = (await cluster.Client.GetFromJsonAsync("/v1/cluster/benchmarks/runs?limit=500", Json.ListResponseBenchmarkRun, Ct))!.Data;
        var workloads = (await cluster.Client.GetFromJsonAsync("/v1/cluster/benchmarks/workloads", Json.ListResponseBenchmarkWorkloadView, Ct))!.Data;
        var completed = (await cluster.Client.GetFromJsonAsync("/v1/cluster/benchmarks/runs?status=completed", Json.ListResponseBenchmarkRun, Ct))!.Data;

        var ids = runs.Select(r => r.Id).ToList();
        Assert.True(ids.IndexOf(second.Id) < ids.IndexOf(first.Id));
        Assert.All(completed, r => Assert.Equal(BenchmarkRunStatuses.Completed, r.Status));
        Assert.Contains(completed, r => r.Id == second.Id);
        var structured = workloads.Single(w => w.Name == BuiltInWorkloads.StructuredJson);
        Assert.Equal(ServiceKinds.Chat, structured.Kind);
        Assert.Equal("builtin", structured.Source);
        Assert.All(structured.Cases, c => Assert.Equal("json_schema", c.Check));
    }

    public static TheoryData<string, HttpStatusCode, string> BadRequests => new()
    {
        { """{"role":"bench-role"}""", HttpStatusCode.BadRequest, "workload" },
        { """{"workload":"chat.nope","role":"bench-role"}""", HttpStatusCode.NotFound, "workload" },
        { """{"workload":"chat.short_reasoning"}""", HttpStatusCode.BadRequest, "service_id" },
        { """{"workload":"chat.short_reasoning","role":"bench-role","service_id":"fast-chat"}""", HttpStatusCode.BadRequest, "service_id" },
        { """{"workload":"chat.short_reasoning","service_id":"nobody"}""", HttpStatusCode.NotFound, "service_id" },
        { """{"workload":"chat.short_reasoning","service_id":"fast-embed"}""", HttpStatusCode.BadRequest, "service_id" },
        { """{"workload":"embeddings.similarity","role":"bench-role"}""", HttpStatusCode.BadRequest, "role" },
        { """{"workload":"chat.short_reasoning","role":"no-such-role"}""", HttpStatusCode.NotFound, "role" },
        { """{"workload":"chat.short_reasoning","kind":"painting"}""", HttpStatusCode.BadRequest, "kind" },
        { """{"workload":"chat.short_reasoning","kind":"embeddings"}""", HttpStatusCode.BadRequest, "kind" },
        { """{"workload":"chat.short_reasoning","kind":"chat","timeout_seconds":0}""", HttpStatusCode.BadRequest, "timeout_seconds" },
        { """{"workload":"chat.short_reasoning","kind":"chat","repetitions":1000}""", HttpStatusCode.BadRequest, "repetitions" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task AnInvalidRunRequestIsRefusedNamingTheField(string json, HttpStatusCode status, string field)
    {
        using var response = await cluster.Client.PostAsync("/v1/cluster/benchmarks/runs", ControlTestData.JsonContent(json), Ct);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(field, (await response.JsonAsync())["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnUnknownRunIs404()
    {
        using var get = await cluster.Client.GetAsync("/v1/cluster/benchmarks/runs/run_missing", Ct);
        using var cancel = await cluster.Client.DeleteAsync("/v1/cluster/benchmarks/runs/run_missing", Ct);

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
    }

    [Fact]
    public async Task TheRunApiNeedsTheClientKey()
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(cluster.Control.Url) };

        using var response = await anonymous.GetAsync("/v1/cluster/benchmarks/runs", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static double Result(BenchmarkRunTarget target, string key) =>
        target.Results is { } results && results[key] is JsonValue value ? value.GetValue<double>() : double.NaN;
}
