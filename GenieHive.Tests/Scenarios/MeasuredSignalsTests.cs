using System.Diagnostics;
using GenieHive.Tests.Scenarios.Cluster;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Scenarios;

/// <summary>Issue 5, live signals: what the facade measures, not what the configuration says, ranks a role's services.</summary>
[Collection(ScenarioCollection.Name)]
public sealed class MeasuredSignalsTests(ITestOutputHelper output)
{
    private const string Roles = """
        roles:
          - role_id: swift
            display_name: Swift
            description: Quick answers for an interactive assistant.
            operation: chat
            modality: text
            routing_policy:
              strategy: scored
        """;

    [Fact]
    public async Task MeasuredLatencyAndThroughputOverrideConfiguredFiguresAndSteerTheRole()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(new ClusterOptions { RolesYaml = Roles });
        var fast = cluster.StartSimulator("fast", "hive-chat", ("TimeToFirstTokenMs", 5), ("TokensPerSecond", 0));
        var slow = cluster.StartSimulator("slow", "hive-chat", ("TimeToFirstTokenMs", 600), ("TokensPerSecond", 20));
        // The configuration says the opposite of the truth: only measurement can put the fast engine first.
        await cluster.StartAgentAsync("host-fast", new ServiceSpec("chat-fast", fast.BaseAddress, "hive-chat")
        {
            Observed = new Dictionary<string, string> { ["P50LatencyMs"] = "5000", ["TokensPerSec"] = "5" },
        });
        await cluster.StartAgentAsync("host-slow", new ServiceSpec("chat-slow", slow.BaseAddress, "hive-chat")
        {
            Observed = new Dictionary<string, string> { ["P50LatencyMs"] = "100", ["TokensPerSec"] = "100" },
        });
        await cluster.WaitForTargetsAsync("swift", "chat-fast", "chat-slow");

        var before = await cluster.Cluster.ResolveAsync("swift");
        Assert.Equal("chat-slow", before.Candidates[0].ServiceId);
        Assert.All(before.Candidates, c => Assert.Equal("reported", c.Signals.RuntimeSource));

        // Some traffic to each engine by its service id: the facade measures every request it proxies.
        var clock = Stopwatch.StartNew();
        var warmup = await Task.WhenAll(
            Enumerable.Range(0, 8).Select(i => Chat.SendAsync(cluster.FacadeClient, i % 2 == 0 ? "chat-fast" : "chat-slow", clock, ct)));
        Assert.All(warmup, o => Assert.True(o.Succeeded, o.ToString()));

        await Poll.UntilAsync(async () =>
            {
                var services = await cluster.Cluster.ServicesAsync();
                return services.Count(s => s.Measured is { Requests: >= 4 }) == 2;
            }, TimeSpan.FromSeconds(10), "the facade's measurements of both services to reach Control", cluster.Logs);
        var measured = (await cluster.Cluster.ServicesAsync()).ToDictionary(s => s.ServiceId, s => s.Measured!);

        var after = await cluster.Cluster.ResolveAsync("swift");
        var ranking = string.Join("; ", after.Candidates.Select(c =>
            $"{c.ServiceId} score {c.Score:F4} runtime {c.Signals.RuntimeScore:F2} ({c.Signals.RuntimeSource}: p50 {c.Signals.P50LatencyMs:F0} ms, {c.Signals.TokensPerSec:F1} tok/s)"));
        output.WriteLine("Measured: " + string.Join("; ", measured.Select(m => $"{m.Key} p50 {m.Value.P50LatencyMs:F0} ms, ttft {m.Value.TtftMs:F0} ms, {m.Value.TokensPerSec:F1} tok/s")));
        output.WriteLine("Resolve swift: " + ranking);
        Assert.Equal("chat-fast", after.Candidates[0].ServiceId);
        Assert.Equal("chat-fast", after.Service!.ServiceId);
        Assert.All(after.Candidates, c => Assert.Equal("measured", c.Signals.RuntimeSource));
        Assert.True(after.Candidates[0].Score > after.Candidates[1].Score, ranking);

        // Requests for the role, one after the other, go to the fast engine.
        await Poll.UntilAsync(() => Task.FromResult(cluster.Facade.Routing.Current?.Find("swift", "chat")?.Targets[0].ServiceId == "chat-fast"),
            TimeSpan.FromSeconds(10), "the facade to rank chat-fast first for swift", cluster.Logs);
        var slowBefore = await slow.ChatRequestsAsync();
        for (var i = 0; i < 6; i++)
        {
            var outcome = await Chat.SendAsync(cluster.FacadeClient, "swift", clock, ct);
            Assert.True(outcome.Succeeded, outcome.ToString());
            Assert.Equal("chat-fast", outcome.ServiceId);
        }

        Assert.Equal(slowBefore, await slow.ChatRequestsAsync());
    }
}
