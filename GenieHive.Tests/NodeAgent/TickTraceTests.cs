using System.Diagnostics;
using GenieHive.Tests.NodeAgent.Fakes;
using GenieHive.Tests.ServiceDefaults;
using Microsoft.Extensions.Time.Testing;

namespace GenieHive.Tests.NodeAgent;

/// <summary>Issue 19, quieter traces: heartbeats and discovery passes are traced only when they fail or change something.</summary>
public sealed class TickTraceTests
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(5);

    private static Dictionary<string, string?> Settings(string hostId, string controlUrl, string engineUrl) => new()
    {
        ["services:control:http:0"] = controlUrl,
        ["GenieHive:Node:HostId"] = hostId,
        ["GenieHive:Node:HeartbeatIntervalSeconds"] = "5",
        ["GenieHive:Node:DiscoveryIntervalSeconds"] = "5",
        ["GenieHive:Node:Services:0:ServiceId"] = hostId + "-chat",
        ["GenieHive:Node:Services:0:Kind"] = "chat",
        ["GenieHive:Node:Services:0:Endpoint"] = engineUrl,
        ["GenieHive:Node:Services:0:Discover"] = "llamacpp",
    };

    [Fact]
    public async Task RoutineHeartbeatsAreNotTracedButFailuresAndTheRecoveryAre()
    {
        var ct = TestContext.Current.CancellationToken;
        using var ticks = new TickRecorder();
        await using var engine = await FakeEngine.StartAsync(EngineShapes.LlamaCpp(), ct);
        await using var control = await FakeControl.StartAsync(ct);
        var time = new FakeTimeProvider();
        await using var factory = AgentHarness.CreateFactory(Settings("trace-hb", control.Url, engine.Url), time);
        using var client = factory.CreateClient();
        IReadOnlyList<Activity> Heartbeats() => ticks.Ticks("node.heartbeat", "geniehive.host_id", "trace-hb");

        await AgentHarness.AdvanceUntilAsync(time, s_interval, () => Heartbeats().Count >= 3, "three heartbeats");
        Assert.All(Heartbeats(), tick => Assert.False(tick.Recorded, "a routine heartbeat was kept"));

        control.Down = true;
        var before = Heartbeats().Count;
        await AgentHarness.AdvanceUntilAsync(time, s_interval, () => Heartbeats().Count >= before + 2, "two failed heartbeats");
        var failed = Heartbeats().Skip(before).ToList();
        Assert.All(failed, tick =>
        {
            Assert.True(tick.Recorded, "a failed heartbeat was not kept");
            Assert.Equal(ActivityStatusCode.Error, tick.Status);
        });

        control.Down = false;
        before = Heartbeats().Count;
        await AgentHarness.AdvanceUntilAsync(time, s_interval, () => Heartbeats().Count >= before + 2, "two heartbeats after the outage");
        var after = Heartbeats().Skip(before).ToList();
        Assert.True(after[0].Recorded, "the heartbeat that ended the outage was not kept");
        Assert.Equal(ActivityStatusCode.Unset, after[0].Status);
        Assert.False(after[1].Recorded, "a routine heartbeat after the outage was kept");
    }

    [Fact]
    public async Task ADiscoveryPassIsTracedOnlyWhenAServiceChangesOrFails()
    {
        var ct = TestContext.Current.CancellationToken;
        using var ticks = new TickRecorder();
        var engineState = EngineShapes.LlamaCpp();
        await using var engine = await FakeEngine.StartAsync(engineState, ct);
        await using var control = await FakeControl.StartAsync(ct);
        var time = new FakeTimeProvider();
        await using var factory = AgentHarness.CreateFactory(Settings("trace-disc", control.Url, engine.Url), time);
        using var client = factory.CreateClient();
        IReadOnlyList<Activity> Passes() => ticks.Ticks("node.discovery", "geniehive.host_id", "trace-disc");

        await AgentHarness.AdvanceUntilAsync(time, s_interval, () => Passes().Count >= 3, "three discovery passes");
        var passes = Passes();
        Assert.True(passes[0].Recorded, "the first pass (the service became healthy) was not kept");
        Assert.All(passes.Skip(1), pass => Assert.False(pass.Recorded, "a pass that changed nothing was kept"));

        engineState.Broken = true;
        var before = passes.Count;
        await AgentHarness.AdvanceUntilAsync(time, s_interval, () => Passes().Count > before, "a pass against the broken engine");
        Assert.True(Passes()[before].Recorded, "a pass whose probe failed was not kept");
    }
}
