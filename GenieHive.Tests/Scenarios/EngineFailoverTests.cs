using GenieHive.Contracts;
using GenieHive.Tests.Scenarios.Cluster;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Scenarios;

/// <summary>Issue 5, failover: an engine dying under steady traffic costs no request.</summary>
[Collection(ScenarioCollection.Name)]
public sealed class EngineFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task KillingOneOfTwoEnginesMidTrafficLosesNoRequest()
    {
        await using var cluster = await TestCluster.StartAsync();
        var simA = cluster.StartSimulator("a", "hive-chat", ("TimeToFirstTokenMs", 20));
        var simB = cluster.StartSimulator("b", "hive-chat", ("TimeToFirstTokenMs", 20));
        await cluster.StartAgentAsync("host-a", new ServiceSpec("chat-a", simA.BaseAddress, "hive-chat"));
        await cluster.StartAgentAsync("host-b", new ServiceSpec("chat-b", simB.BaseAddress, "hive-chat"));
        await cluster.WaitForTargetsAsync("hive-chat", "chat-a", "chat-b");

        await using var traffic = Traffic.Start(cluster.FacadeClient, "hive-chat", clients: 4);
        await traffic.WaitForMoreAsync(40, cluster.Logs);
        Assert.True(await simB.ChatRequestsAsync() > 0, "chat-b took no traffic before it was killed");

        var killedAt = traffic.Clock.Elapsed;
        await simB.StopAsync();
        var stopTook = traffic.Clock.Elapsed - killedAt;

        // The facade's cooldown reaches Control with its next observation report and shows in the service list.
        await Poll.UntilAsync(async () => (await cluster.Cluster.ServiceAsync("chat-b"))?.Cooldown is not null,
            TimeSpan.FromSeconds(10), "chat-b to show a cooldown in /v1/cluster/services", cluster.Logs);
        var cooldownShown = traffic.Clock.Elapsed - killedAt;
        var cooldown = (await cluster.Cluster.ServiceAsync("chat-b"))?.Cooldown;

        // Then the agent's probes fail and it reports the engine unhealthy; Control stops routing to it.
        await Poll.UntilAsync(async () => (await cluster.Cluster.ServiceAsync("chat-b"))?.State?.Health == HealthStates.Unhealthy,
            TimeSpan.FromSeconds(10), "the agent to report chat-b unhealthy", cluster.Logs);
        var unhealthyShown = traffic.Clock.Elapsed - killedAt;
        await cluster.WaitForTargetsAsync("hive-chat", "chat-a");
        var routedAway = traffic.Clock.Elapsed;

        await traffic.WaitForMoreAsync(40, cluster.Logs);
        var outcomes = await traffic.StopAsync();

        var failed = outcomes.Where(o => !o.Succeeded).ToList();
        var afterKill = outcomes.Where(o => o.Start >= killedAt).ToList();
        output.WriteLine($"{outcomes.Count} requests, {failed.Count} failed; {afterKill.Count} sent after the kill "
            + $"(chat-a {afterKill.Count(o => o.ServiceId == "chat-a")}, chat-b {afterKill.Count(o => o.ServiceId == "chat-b")}).");
        output.WriteLine($"Stopping the engine took {stopTook.TotalMilliseconds:F0} ms; cooldown shown after {cooldownShown.TotalMilliseconds:F0} ms "
            + $"({cooldown?.Reason}, {cooldown?.ConsecutiveFailures} failures); unhealthy shown after {unhealthyShown.TotalMilliseconds:F0} ms.");

        Assert.True(failed.Count == 0, "Requests failed:\n" + string.Join('\n', failed) + "\n" + cluster.Logs.Tail());
        Assert.NotEmpty(afterKill);
        Assert.All(outcomes.Where(o => o.Start >= routedAway), o => Assert.Equal("chat-a", o.ServiceId));
        Assert.True(cooldownShown < TimeSpan.FromSeconds(3), $"the cooldown took {cooldownShown.TotalSeconds:F1} s to show");
    }
}
