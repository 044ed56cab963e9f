using GenieHive.Contracts;
using GenieHive.Tests.Scenarios.Cluster;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Scenarios;

/// <summary>Issue 6, Control restarts: the data plane keeps serving, and the cluster reassembles itself.</summary>
[Collection(ScenarioCollection.Name)]
public sealed class ControlRestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TrafficSurvivesControlRestartsAndTheClusterReassemblesOnAFreshDatabase()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync();
        var simA = cluster.StartSimulator("a", "hive-chat", ("TimeToFirstTokenMs", 10));
        var simB = cluster.StartSimulator("b", "hive-chat", ("TimeToFirstTokenMs", 10));
        var agentA = await cluster.StartAgentAsync("host-a", new ServiceSpec("chat-a", simA.BaseAddress, "hive-chat"));
        var agentB = await cluster.StartAgentAsync("host-b", new ServiceSpec("chat-b", simB.BaseAddress, "hive-chat"));
        await cluster.WaitForTargetsAsync("hive-chat", "chat-a", "chat-b");

        var traffic = Traffic.Start(cluster.FacadeClient, "hive-chat", clients: 2);
        await using var _ = traffic;
        await traffic.WaitForMoreAsync(20, cluster.Logs);

        // Control goes away. The facade keeps routing from its last table; the agents keep trying, failing.
        var versionBefore = cluster.Facade.Routing.Current!.Version;
        var downAt = traffic.Clock.Elapsed;
        await cluster.Control.StopAsync();
        await Poll.UntilAsync(async () => await FailuresAsync(agentA) >= 3 && await FailuresAsync(agentB) >= 3,
            TimeSpan.FromSeconds(10), "both agents to fail three heartbeats in a row", cluster.Logs);
        await traffic.WaitForMoreAsync(30, cluster.Logs);
        var outage = traffic.Clock.Elapsed - downAt;
        var servedDuringOutage = traffic.Outcomes.Count(o => o.Start >= downAt);

        // Control returns on the same address and database: agents resume, the facade follows again.
        var upAt = traffic.Clock.Elapsed;
        cluster.Control.Start();
        await Poll.UntilAsync(async () => await FailuresAsync(agentA) == 0 && await FailuresAsync(agentB) == 0,
            TimeSpan.FromSeconds(10), "both agents to heartbeat successfully again", cluster.Logs);
        await Poll.UntilAsync(() => Task.FromResult(cluster.Facade.Routing.Current!.Version > versionBefore),
            TimeSpan.FromSeconds(10), "the facade to follow the restarted Control", cluster.Logs);
        var facadeBack = traffic.Clock.Elapsed - upAt;
        Assert.Equal(2, (await cluster.Cluster.HostsAsync()).Count(h => !h.Status.Stale));

        // A change made now reaches the facade: a new host becomes routable through it.
        var simC = cluster.StartSimulator("c", "hive-extra", ("TimeToFirstTokenMs", 10));
        var agentC = await cluster.StartAgentAsync("host-c", new ServiceSpec("chat-c", simC.BaseAddress, "hive-extra"));
        var newHostRoutable = await Poll.UntilAsync(
            async () => (await Chat.SendAsync(cluster.FacadeClient, "hive-extra", traffic.Clock, ct)).ServiceId == "chat-c",
            TimeSpan.FromSeconds(10), "the new host to be routable through the facade", cluster.Logs);

        await traffic.WaitForMoreAsync(10, cluster.Logs);
        var outcomes = await traffic.StopAsync();
        var failed = outcomes.Where(o => !o.Succeeded).ToList();
        output.WriteLine($"Control down {outage.TotalMilliseconds:F0} ms, {servedDuringOutage} requests served meanwhile; facade following again "
            + $"{facadeBack.TotalMilliseconds:F0} ms after the restart; a new host routable {newHostRoutable.TotalMilliseconds:F0} ms after it registered.");
        output.WriteLine($"{outcomes.Count} requests across the restart, {failed.Count} failed.");
        Assert.True(failed.Count == 0, "Requests failed:\n" + string.Join('\n', failed) + "\n" + cluster.Logs.Tail());
        Assert.True(servedDuringOutage >= 30, $"only {servedDuringOutage} requests were served while Control was down");
        Assert.True(newHostRoutable <= TimeSpan.FromSeconds(2), $"the new host took {newHostRoutable.TotalMilliseconds:F0} ms to be routable");

        // Control comes back with nothing: heartbeats get 404, every agent registers again, the cluster is whole.
        await cluster.Control.StopAsync();
        var wipedAt = traffic.Clock.Elapsed;
        cluster.Control.Start(freshDatabase: true);
        await Poll.UntilAsync(async () =>
            {
                var services = await cluster.Cluster.ServicesAsync();
                return services.Count(s => s.Routable && s.State?.Health == HealthStates.Healthy) == 3;
            }, TimeSpan.FromSeconds(10), "all three hosts to register again with the empty Control", cluster.Logs);
        var whole = traffic.Clock.Elapsed - wipedAt;
        await cluster.WaitForTargetsAsync("hive-chat", "chat-a", "chat-b");
        await cluster.WaitForTargetsAsync("hive-extra", "chat-c");
        var routable = traffic.Clock.Elapsed - wipedAt;
        output.WriteLine($"After a restart on an empty database: all hosts registered again in {whole.TotalMilliseconds:F0} ms, "
            + $"routable through the facade in {routable.TotalMilliseconds:F0} ms (heartbeat {cluster.Options.HeartbeatSeconds} s).");
        foreach (var agent in new[] { agentA, agentB, agentC })
        {
            Assert.True((await agent.StatusAsync()).GetProperty("registrations").GetInt64() >= 2, $"{agent.HostId} did not register again");
        }

        Assert.True(whole <= TimeSpan.FromSeconds(4 * cluster.Options.HeartbeatSeconds + 2), $"the cluster took {whole.TotalMilliseconds:F0} ms to reassemble");
        var final = await Chat.SendAsync(cluster.FacadeClient, "hive-chat", traffic.Clock, ct);
        Assert.True(final.Succeeded, final.ToString());
    }

    private static async Task<int> FailuresAsync(AgentNode agent) =>
        (await agent.StatusAsync()).GetProperty("consecutive_failures").GetInt32();
}
