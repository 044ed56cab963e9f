using GenieHive.Tests.Scenarios.Cluster;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Scenarios;

/// <summary>Issue 5, staleness: a node that stops heartbeating stops getting traffic, and comes back when it speaks again.</summary>
[Collection(ScenarioCollection.Name)]
public sealed class SilentNodeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ASilentNodeStopsReceivingTrafficWithinTheHostTimeoutPlusOneHeartbeatAndComesBack()
    {
        // Four heartbeats per timeout (one late heartbeat does not flag a live host), and a heartbeat of slack for polling.
        var options = new ClusterOptions { HostTimeoutSeconds = 3, HeartbeatSeconds = 0.75 };
        var budget = TimeSpan.FromSeconds(options.HostTimeoutSeconds + options.HeartbeatSeconds);
        await using var cluster = await TestCluster.StartAsync(options);
        var simA = cluster.StartSimulator("a", "hive-chat", ("TimeToFirstTokenMs", 20));
        var simB = cluster.StartSimulator("b", "hive-chat", ("TimeToFirstTokenMs", 20));
        await cluster.StartAgentAsync("host-a", new ServiceSpec("chat-a", simA.BaseAddress, "hive-chat"));
        var agentB = await cluster.StartAgentAsync("host-b", new ServiceSpec("chat-b", simB.BaseAddress, "hive-chat"));
        await cluster.WaitForTargetsAsync("hive-chat", "chat-a", "chat-b");

        await using var traffic = Traffic.Start(cluster.FacadeClient, "hive-chat", clients: 2);
        await traffic.WaitForMoreAsync(20, cluster.Logs);

        // The agent goes silent; its engine stays up and would answer anything sent to it.
        // Silence starts at its last heartbeat (Control's last_seen), whenever within the agent's shutdown that was.
        var silentFrom = traffic.Clock.Elapsed;
        await agentB.StopAsync();
        await Poll.UntilAsync(async () => (await cluster.Cluster.HealthAsync()).StaleHosts.Contains("host-b"),
            budget + TimeSpan.FromSeconds(5), "host-b to show stale in /v1/cluster/health", cluster.Logs);
        var staleShownAt = DateTimeOffset.UtcNow;
        var stopToStale = traffic.Clock.Elapsed - silentFrom;
        var lastSeen = DateTimeOffset.UnixEpoch.AddSeconds((await cluster.Cluster.HostsAsync()).Single(h => h.HostId == "host-b").Status.LastSeen);
        var staleAfter = staleShownAt - lastSeen;
        var view = await cluster.Cluster.ServiceAsync("chat-b");
        Assert.True(view is { HostStale: true, Routable: false }, "chat-b is not shown host_stale in /v1/cluster/services");

        // Traffic continues on host-a only: the engine behind the silent agent sees nothing more.
        await cluster.WaitForTargetsAsync("hive-chat", "chat-a");
        var seenByB = await simB.ChatRequestsAsync();
        await traffic.WaitForMoreAsync(30, cluster.Logs);
        Assert.Equal(seenByB, await simB.ChatRequestsAsync());
        var lastSentToB = traffic.StartedAt + traffic.Outcomes.Where(o => o.ServiceId == "chat-b").Max(o => o.Start) - lastSeen;

        // The agent speaks again: the host is back, and so is its share of the traffic.
        var restartedAt = traffic.Clock.Elapsed;
        agentB.Start();
        await Poll.UntilAsync(async () => (await cluster.Cluster.HealthAsync()).StaleHostCount == 0,
            TimeSpan.FromSeconds(10), "host-b to be fresh again", cluster.Logs);
        await Poll.UntilAsync(() => Task.FromResult(traffic.Outcomes.Any(o => o.ServiceId == "chat-b" && o.Start > restartedAt)),
            TimeSpan.FromSeconds(10), "traffic to reach chat-b again", cluster.Logs);
        var backAfter = traffic.Clock.Elapsed - restartedAt;

        var outcomes = await traffic.StopAsync();
        output.WriteLine($"Host timeout {options.HostTimeoutSeconds} s, heartbeat {options.HeartbeatSeconds} s: stale shown {staleAfter.TotalMilliseconds:F0} ms "
            + $"after its last heartbeat ({stopToStale.TotalMilliseconds:F0} ms after the agent was told to stop); last request routed to it sent "
            + $"{lastSentToB.TotalMilliseconds:F0} ms after its last heartbeat; traffic back {backAfter.TotalMilliseconds:F0} ms after its restart.");
        output.WriteLine($"{outcomes.Count} requests, {outcomes.Count(o => !o.Succeeded)} failed.");

        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.ToString()));
        Assert.True(staleAfter <= budget, $"stale shown {staleAfter.TotalMilliseconds:F0} ms after the last heartbeat, budget {budget.TotalMilliseconds:F0} ms");
        Assert.True(lastSentToB <= budget, $"traffic reached the silent host until {lastSentToB.TotalMilliseconds:F0} ms, budget {budget.TotalMilliseconds:F0} ms");
    }
}
