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

/// <summary>Runs through the real cluster: the facade relays the run API, Control measures through the facade.</summary>
[Collection(BenchmarkClusterCollection.Name)]
public sealed class BenchmarkRunTests(BenchmarkCluster cluster)
{
    private static readonly GenieHiveJsonContext Json = GenieHiveJsonContext.Default;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARoleRunRanksTheFasterServiceHigherAndTheRoleThenRoutesToIt()
    {
        var queued = await cluster.StartRunOkAsync(new BenchmarkRunRequest { Workload = BuiltInWorkloads.ShortReasoning, Role = Role });

        Assert.Equal(BenchmarkRunStatuses.Queued, queued.Status);
        Assert.Equal("role", queued.TargetType);
        Assert.Equal([FastChat, SlowChat], queued.Targets.Select(t => t.ServiceId).Order());
        Assert.All(queued.Targets, t => Assert.Equal("sim-chat", t.AssetId));

        var run = await cluster.WaitForRunAsync(queued.Id);

        Assert.Equal(BenchmarkRunStatuses.Completed, run.Status);
        var fast = run.Targets.Single(t => t.ServiceId == FastChat);
        var slow = run.Targets.Single(t => t.ServiceId == SlowChat);
        foreach (var target in new[] { fast, slow })
        {
            Assert.Equal(BenchmarkRunStatuses.Completed, target.Status);
            Assert.Equal(3, target.CasesDone);
            Assert.Equal(1.0, Result(target, "pass_rate"));
            Assert.Equal(1.0, Result(target, "response_rate"));
            Assert.Equal(3, Result(target, "case_count"));
            Assert.Equal(64, Result(target, "completion_tokens"));
            Assert.Equal("geniehive-benchmark-runner", target.Results!["source"]!.GetValue<string>());
            Assert.Equal(run.Id, target.Results!["run_id"]!.GetValue<string>());
        }

        Assert.True(Result(slow, "ttft_ms") >= 280, $"slow ttft {Result(slow, "ttft_ms")}");
        Assert.True(Result(fast, "ttft_ms") < Result(slow, "ttft_ms"));
        Assert.InRange(Result(slow, "tokens_per_sec"), 14, 26);
        Assert.True(Result(fast, "tokens_per_sec") > 3 * Result(slow, "tokens_per_sec"));
        Assert.True(Result(fast, "p50_latency_ms") < Result(slow, "p50_latency_ms"));

        // One sample per service, keyed by the service (never by the role), with the run's figures.
        var samples = (await cluster.Client.GetFromJsonAsync("/v1/cluster/benchmarks?workload=" + BuiltInWorkloads.ShortReasoning, Json.ListResponseBenchmarkSample, Ct))!.Data
            .Where(s => s.Results["run_id"]?.GetValue<string>() == run.Id).ToList();
        Assert.Equal([FastChat, SlowChat], samples.Select(s => s.ServiceId).Order());
        Assert.All(samples, s => Assert.Equal("sim-chat", s.AssetId));
        Assert.Equal(fast.BenchmarkId, samples.Single(s => s.ServiceId == FastChat).BenchmarkId);

        using var matchResponse = await cluster.Client.PostAsJsonAsync("/v1/cluster/routes/match", new RouteMatchRequest
        {
            Task = "answer a short reasoning question",
            Workloads = [BuiltInWorkloads.ShortReasoning],
            Kind = ServiceKinds.Chat,
        }, Json.RouteMatchRequest, Ct);
        var match = (await matchResponse.Content.ReadFromJsonAsync(Json.RouteMatchResponse, Ct))!;
        var services = match.Candidates.Where(c => c.CandidateType == "service").ToList();
        var fastCandidate = services.Single(c => c.CandidateId == FastChat);
        var slowCandidate = services.Single(c => c.CandidateId == SlowChat);
        Assert.True(fastCandidate.Signals.BenchmarkScore > slowCandidate.Signals.BenchmarkScore,
            $"benchmark score fast {fastCandidate.Signals.BenchmarkScore}, slow {slowCandidate.Signals.BenchmarkScore}");
        Assert.Equal(1, fastCandidate.Signals.BestWorkloadOverlap);
        Assert.True(services.IndexOf(fastCandidate) < services.IndexOf(slowCandidate));

        // The facade reports what it measured on the benchmark traffic every 0.2 s; then the role's pool ranks fast first.
        var resolution = await ControlTestData.EventuallyAsync(
            async () => (await cluster.Client.GetFromJsonAsync("/v1/cluster/routes/resolve?model=" + Role, Json.ResolveResponse, Ct))!.Resolution,
            r => r.Candidates.Count == 2 && r.Candidates[0].ServiceId == FastChat
                && r.Candidates[0].Score - r.Candidates[1].Score > 0.05
                && r.Candidates.All(c => c.Signals.RuntimeSource == "measured"),
            seconds: 10);
        Assert.Equal(FastChat, resolution.Candidates[0].ServiceId);
        Assert.Equal(FastChat, resolution.Service!.ServiceId);
        Assert.True(resolution.Candidates[0].Signals.BenchmarkScore > resolution.Candidates[1].Signals.BenchmarkScore);

        var health = (await cluster.Client.GetFromJsonAsync("/v1/cluster/health", Json.ClusterHealth, Ct))!;
        await ControlTestData.EventuallyAsync(() => Task.FromResult(cluster.FacadeVersion), version => version >= health.RoutingVersion, seconds: 10);
        using var chat = await cluster.Client.PostAsync("/v1/chat/completions", ControlTestData.JsonContent(
            $$"""{"model":"{{Role}}","messages":[{"role":"user","content":"hello"}],"max_tokens":4}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal(FastChat, chat.Headers.GetValues(GenieHiveHeaders.ServiceId).Single());
    }

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
