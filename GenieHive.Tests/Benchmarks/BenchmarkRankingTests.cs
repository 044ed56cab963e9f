using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Control.Benchmarks.Workloads;
using GenieHive.Tests.Control;

namespace GenieHive.Tests.Benchmarks;

/// <summary>
/// Issue 8's promise, end to end over real HTTP: a benchmark run against a slow and a fast simulator ranks the fast
/// one higher in <c>/v1/cluster/routes/match</c>, and a role request then goes there. A cluster of its own, so that
/// nothing has been measured before the run: the slow service's id sorts first, so while the two services tie the
/// role's requests go to the slow one, and only the run can turn them to the fast one.
/// </summary>
public sealed class BenchmarkRankingTests
{
    private const string SlowChat = "a-slow-chat";
    private const string FastChat = "b-fast-chat";

    private static readonly GenieHiveJsonContext Json = GenieHiveJsonContext.Default;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARoleRunRanksTheFasterServiceHigherAndTheRoleThenRoutesToIt()
    {
        await using var cluster = await BenchmarkCluster.StartAsync(slowChatService: SlowChat, fastChatService: FastChat);

        // Before: no sample, no measurement; the tie goes to the slow service.
        var before = await MatchAsync(cluster);
        Assert.Equal(0, Candidate(before, FastChat).Signals.BenchmarkScore);
        Assert.Equal(0, Candidate(before, SlowChat).Signals.BenchmarkScore);
        Assert.Equal(SlowChat, await RoleRequestGoesToAsync(cluster));

        var queued = await cluster.StartRunOkAsync(new BenchmarkRunRequest { Workload = BuiltInWorkloads.ShortReasoning, Role = BenchmarkCluster.Role });

        Assert.Equal(BenchmarkRunStatuses.Queued, queued.Status);
        Assert.Equal("role", queued.TargetType);
        Assert.Equal([SlowChat, FastChat], queued.Targets.Select(t => t.ServiceId).Order());
        Assert.All(queued.Targets, t => Assert.Equal("sim-chat", t.AssetId));

        var run = await cluster.WaitForRunAsync(queued.Id, seconds: 120);

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

        // The simulators pace on an absolute schedule: a late first token is caught up, so only loose bounds.
        Assert.True(Result(slow, "ttft_ms") >= 280, $"slow ttft {Result(slow, "ttft_ms")}");
        Assert.True(Result(fast, "ttft_ms") < Result(slow, "ttft_ms"));
        Assert.InRange(Result(slow, "tokens_per_sec"), 12, 35);
        Assert.True(Result(fast, "tokens_per_sec") > 3 * Result(slow, "tokens_per_sec"));
        Assert.True(Result(fast, "p50_latency_ms") < Result(slow, "p50_latency_ms"));

        // One sample per service, keyed by the service (never by the role), with the run's figures.
        var samples = (await cluster.Client.GetFromJsonAsync("/v1/cluster/benchmarks?workload=" + BuiltInWorkloads.ShortReasoning, Json.ListResponseBenchmarkSample, Ct))!.Data
            .Where(s => s.Results["run_id"]?.GetValue<string>() == run.Id).ToList();
        Assert.Equal([SlowChat, FastChat], samples.Select(s => s.ServiceId).Order());
        Assert.All(samples, s => Assert.Equal("sim-chat", s.AssetId));
        Assert.Equal(fast.BenchmarkId, samples.Single(s => s.ServiceId == FastChat).BenchmarkId);

        // After: the fast service's benchmark signal is higher and it ranks above the slow one.
        var after = await MatchAsync(cluster);
        var (fastAfter, slowAfter) = (Candidate(after, FastChat), Candidate(after, SlowChat));
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"routes/match before: fast {Candidate(before, FastChat).Score} slow {Candidate(before, SlowChat).Score}; after: fast {fastAfter.Score} (benchmark {fastAfter.Signals.BenchmarkScore}), slow {slowAfter.Score} (benchmark {slowAfter.Signals.BenchmarkScore})"));
        Assert.True(fastAfter.Signals.BenchmarkScore > slowAfter.Signals.BenchmarkScore,
            $"benchmark score fast {fastAfter.Signals.BenchmarkScore}, slow {slowAfter.Signals.BenchmarkScore}");
        Assert.Equal(1, fastAfter.Signals.BestWorkloadOverlap);
        Assert.True(fastAfter.Score > slowAfter.Score, $"score fast {fastAfter.Score}, slow {slowAfter.Score}");
        Assert.True(after.IndexOf(fastAfter) < after.IndexOf(slowAfter));

        // The facade reports what it measured on the benchmark traffic every 0.2 s; then the role's pool ranks fast first.
        var resolution = await ControlTestData.EventuallyAsync(
            async () => (await cluster.Client.GetFromJsonAsync("/v1/cluster/routes/resolve?model=" + BenchmarkCluster.Role, Json.ResolveResponse, Ct))!.Resolution,
            r => r.Candidates.Count == 2 && r.Candidates[0].ServiceId == FastChat
                && r.Candidates[0].Score - r.Candidates[1].Score > 0.05
                && r.Candidates.All(c => c.Signals.RuntimeSource == "measured"),
            seconds: 30);
        Assert.Equal(FastChat, resolution.Candidates[0].ServiceId);
        Assert.Equal(FastChat, resolution.Service!.ServiceId);
        Assert.True(resolution.Candidates[0].Score - resolution.Candidates[1].Score > 0.05);
        Assert.True(resolution.Candidates[0].Signals.BenchmarkScore > resolution.Candidates[1].Signals.BenchmarkScore);

        Assert.Equal(FastChat, await RoleRequestGoesToAsync(cluster));
    }

    /// <summary>The service candidates of a short-reasoning task, in rank order.</summary>
    private static async Task<List<MatchCandidate>> MatchAsync(BenchmarkCluster cluster)
    {
        using var response = await cluster.Client.PostAsJsonAsync("/v1/cluster/routes/match", new RouteMatchRequest
        {
            Task = "answer a short reasoning question",
            Workloads = [BuiltInWorkloads.ShortReasoning],
            Kind = ServiceKinds.Chat,
        }, Json.RouteMatchRequest, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var match = (await response.Content.ReadFromJsonAsync(Json.RouteMatchResponse, Ct))!;
        return [.. match.Candidates.Where(c => c.CandidateType == "service")];
    }

    /// <summary>Waits until the facade follows Control's current routing table, then sends one role request.</summary>
    private static async Task<string> RoleRequestGoesToAsync(BenchmarkCluster cluster)
    {
        var health = (await cluster.Client.GetFromJsonAsync("/v1/cluster/health", Json.ClusterHealth, Ct))!;
        var version = await ControlTestData.EventuallyAsync(() => Task.FromResult(cluster.FacadeVersion), v => v >= health.RoutingVersion, seconds: 30);
        Assert.True(version >= health.RoutingVersion, $"the facade still routes with version {version}, Control published {health.RoutingVersion}");
        using var chat = await cluster.Client.PostAsync("/v1/chat/completions", ControlTestData.JsonContent(
            $$"""{"model":"{{BenchmarkCluster.Role}}","messages":[{"role":"user","content":"hello"}],"max_tokens":4}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        return chat.Headers.GetValues(GenieHiveHeaders.ServiceId).Single();
    }

    private static MatchCandidate Candidate(List<MatchCandidate> candidates, string serviceId) =>
        candidates.Single(c => c.CandidateId == serviceId);

    private static double Result(BenchmarkRunTarget target, string key) =>
        target.Results is { } results && results[key] is JsonValue value ? value.GetValue<double>() : double.NaN;
}
