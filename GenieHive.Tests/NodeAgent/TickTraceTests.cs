using System.Diagnostics;
using GenieHive.Tests.NodeAgent.Fakes;
using GenieHive.Tests.ServiceDefaults;
using Microsoft.Extensions.Time.Testing;

namespace GenieHive.Tests.NodeAgent;

/// <summary>Issue 19, quieter traces: heartbeats and discovery passes are traced only when they fail or change something.</summary>
public sealed class TickTraceTests
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Advances fake time by one interval and waits for the next tick to end. Never ahead of a tick in flight: time
    /// jumping under a probe or heartbeat would time it out, a failure the test did not cause.
    /// </summary>
    private static async Task<Activity> NextTickAsync(FakeTimeProvider time, Func<IReadOnlyList<Activity>> ticks, string what)
    {
        var count = ticks().Count;
        time.Advance(s_interval);
        await AgentHarness.WaitUntilAsync(() => ticks().Count > count, what);
        return ticks()[count];
    }

    private static Dictionary<string, string?> Settings(string hostId, string controlUrl, string engineUrl) => new()
    {
        ["services:control:http:0"] = controlUrl,
        ["GenieHive:Node:HostId"] = hostId,
        ["GenieHive:Node:HeartbeatIntervalSeconds"] = "5",
        ["GenieHive:Node:DiscoveryIntervalSeconds"] = "5",
        // Probes time out on the agent's (fake) clock: far beyond a step, so stepping time never fails one.
        ["GenieHive:Node:ProbeTimeoutSeconds"] = "60",
        ["GenieHive:Node:Services:0:ServiceId"] = hostId + "-chat",
        ["GenieHive:Node:Services:0:Kind"] = "chat",
        ["GenieHive:Node:Services:0:Endpoint"] = engineUrl,
        ["GenieHive:Node:Services:0:Discover"] = "llamacpp",
    };

    [Fact]
    public async Task RoutineHeartbeatsAreNotTracedButFailuresAndTheRecoveryAre()
    {
        var ct = TestContext.Current.CancellationToken;
        using var ticks = new SpanRecorder();
        await using var engine = await FakeEngine.StartAsync(EngineShapes.LlamaCpp(), ct);
        await using var control = await FakeControl.StartAsync(ct);
        var time = new FakeTimeProvider();
        await using var factory = AgentHarness.CreateFactory(Settings("trace-hb", control.Url, engine.Url), time);
        using var client = factory.CreateClient();
        IReadOnlyList<Activity> Heartbeats() => ticks.Spans("node.heartbeat", "geniehive.host_id", "trace-hb");

        // The loop's timer starts after the registration: step until the first heartbeat, then one interval at a time.
        await AgentHarness.AdvanceUntilAsync(time, s_interval, () => Heartbeats().Count >= 1, "the first heartbeat");
        Assert.False(Heartbeats()[0].Recorded, "a routine heartbeat was kept");
        var routine = await NextTickAsync(time, Heartbeats, "a heartbeat");
        Assert.False(routine.Recorded, "a routine heartbeat was kept");

        control.Down = true;
        for (var i = 0; i < 2; i++)
        {
            var failed = await NextTickAsync(time, Heartbeats, "a heartbeat during the outage");
            Assert.True(failed.Recorded, "a failed heartbeat was not kept");
            Assert.Equal(ActivityStatusCode.Error, failed.Status);
        }

        control.Down = false;
        var recovered = await NextTickAsync(time, Heartbeats, "the heartbeat after the outage");
        Assert.True(recovered.Recorded, "the heartbeat that ended the outage was not kept");
        Assert.Equal(ActivityStatusCode.Unset, recovered.Status);
        var routineAgain = await NextTickAsync(time, Heartbeats, "a heartbeat after the recovery");
        Assert.False(routineAgain.Recorded, "a routine heartbeat after the outage was kept");
    }

    [Fact]
    public async Task ADiscoveryPassIsTracedOnlyWhenAServiceChangesOrFails()
    {
        var ct = TestContext.Current.CancellationToken;
        using var ticks = new SpanRecorder();
        var engineState = EngineShapes.LlamaCpp();
        await using var engine = await FakeEngine.StartAsync(engineState, ct);
        await using var control = await FakeControl.StartAsync(ct);
        var time = new FakeTimeProvider();
        await using var factory = AgentHarness.CreateFactory(Settings("trace-disc", control.Url, engine.Url), time);
        using var client = factory.CreateClient();
        IReadOnlyList<Activity> Passes() => ticks.Spans("node.discovery", "geniehive.host_id", "trace-disc");

        // The first pass runs at start, the loop's timer after it: step until the second, then one interval at a time.
        await AgentHarness.WaitUntilAsync(() => Passes().Count >= 1, "the first discovery pass");
        await AgentHarness.AdvanceUntilAsync(time, s_interval, () => Passes().Count >= 2, "the second discovery pass");
        Assert.True(Passes()[0].Recorded, "the first pass (the service became healthy) was not kept");
        Assert.False(Passes()[1].Recorded, "a pass that changed nothing was kept");
        var unchanged = await NextTickAsync(time, Passes, "a discovery pass");
        Assert.False(unchanged.Recorded, "a pass that changed nothing was kept");

        engineState.Broken = true;
        var broken = await NextTickAsync(time, Passes, "a pass against the broken engine");
        Assert.True(broken.Recorded, "a pass whose probe failed was not kept");
    }
}
