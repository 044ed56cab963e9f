using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Routing;
using static GenieHive.Tests.Routing.RoutingTables;

namespace GenieHive.Tests.Routing;

public sealed class RouteSelectorTests
{
    private static RoutingSnapshot ThreeEqual(string strategy) => Snapshot(
        [Service("a", assets: ["m"]), Service("b", assets: ["m"]), Service("c", assets: ["m"])],
        [Role("r")],
        strategy: strategy);

    [Fact]
    public void RoundRobinAdvancesOncePerOrderCall()
    {
        var snapshot = ThreeEqual(RoutingStrategies.RoundRobin);
        var plan = snapshot.Find("r", ServiceKinds.Chat)!;
        var selector = new RouteSelector();

        var orders = Enumerable.Range(0, 6).Select(_ => Ids(selector.Order(plan, NoLiveServiceLoad.Instance, Now))).ToArray();

        Assert.Equal(["a", "b", "c"], orders[0]);
        Assert.Equal(["b", "c", "a"], orders[1]);
        Assert.Equal(["c", "a", "b"], orders[2]);
        Assert.Equal(orders[0], orders[3]);
        Assert.Equal(orders[1], orders[4]);
        Assert.Equal(orders[2], orders[5]);
    }

    [Fact]
    public void ExplainMatchAndPeekNeverAdvanceRoundRobin()
    {
        var snapshot = ThreeEqual(RoutingStrategies.RoundRobin);
        var plan = snapshot.Find("r", ServiceKinds.Chat)!;
        var selector = new RouteSelector();
        var firsts = new List<string>();

        for (var i = 0; i < 6; i++)
        {
            var explained = snapshot.Explain("r", ServiceKinds.Chat, Now, selector, NoLiveServiceLoad.Instance)!;
            snapshot.Explain("r", null, Now);
            snapshot.Match(new() { Task = "anything" }, Now);
            var peeked = selector.Peek(plan, NoLiveServiceLoad.Instance, Now);
            var picked = selector.Order(plan, NoLiveServiceLoad.Instance, Now)[0];

            Assert.Equal(picked.ServiceId, explained.Service!.ServiceId);
            Assert.Equal(picked.ServiceId, peeked[0].ServiceId);
            firsts.Add(picked.ServiceId);
        }

        Assert.Equal(["a", "b", "c", "a", "b", "c"], firsts);
    }

    [Fact]
    public void RoundRobinContinuesAcrossSnapshotVersions()
    {
        var selector = new RouteSelector();
        var first = ThreeEqual(RoutingStrategies.RoundRobin).Find("r", ServiceKinds.Chat)!;
        var second = ThreeEqual(RoutingStrategies.RoundRobin).Find("r", ServiceKinds.Chat)!;

        Assert.Equal("a", selector.Order(first, NoLiveServiceLoad.Instance, Now)[0].ServiceId);
        Assert.Equal("b", selector.Order(second, NoLiveServiceLoad.Instance, Now)[0].ServiceId);
    }

    [Fact]
    public void RoundRobinCountersAreKeptPerName()
    {
        var snapshot = Snapshot(
            [Service("a", assets: ["m"]), Service("b", assets: ["m"])],
            [Role("r1"), Role("r2")],
            strategy: RoutingStrategies.RoundRobin);
        var selector = new RouteSelector();

        Assert.Equal("a", selector.Order(snapshot.Find("r1", ServiceKinds.Chat)!, NoLiveServiceLoad.Instance, Now)[0].ServiceId);
        Assert.Equal("a", selector.Order(snapshot.Find("r2", ServiceKinds.Chat)!, NoLiveServiceLoad.Instance, Now)[0].ServiceId);
        Assert.Equal("b", selector.Order(snapshot.Find("r1", ServiceKinds.Chat)!, NoLiveServiceLoad.Instance, Now)[0].ServiceId);
    }

    [Fact]
    public void LeastLoadedOrdersByTotalLoadThenLatencyThenId()
    {
        var snapshot = Snapshot(
            [
                Service("busy-engine", assets: ["m"], queue: 2, inFlight: 1),
                Service("busy-here", assets: ["m"]),
                Service("idle-slow", assets: ["m"], p50: 900),
                Service("idle-fast", assets: ["m"], p50: 100),
                Service("idle-zero", assets: ["m"], p50: 0),
                Service("idle-unknown", assets: ["m"]),
            ],
            [Role("r")],
            strategy: RoutingStrategies.LeastLoaded);
        var live = new FakeLive(new() { ["busy-here"] = 2 });

        var order = new RouteSelector().Order(snapshot.Find("r", ServiceKinds.Chat)!, live, Now);

        Assert.Equal(["idle-fast", "idle-slow", "idle-unknown", "idle-zero", "busy-here", "busy-engine"], Ids(order));
    }

    [Fact]
    public void ScoredPicksTheLeastBusyTargetWithinTheBandAndKeepsRankOrderForFailover()
    {
        // Scores: a 0.45 × 0.55 = 0.2475, b 0.45 × 0.45 = 0.2025 (within 0.05), c 0.45 × 0.35 = 0.1575 (outside).
        var snapshot = Snapshot(
        [
            Service("a", assets: ["m"], loaded: ["m"], p50: 1000),
            Service("b", assets: ["m"], loaded: ["m"], p50: 2000),
            Service("c", assets: ["m"], loaded: ["m"]),
        ]);
        var plan = snapshot.Find("m", ServiceKinds.Chat)!;
        var selector = new RouteSelector();

        Assert.Equal(["a", "b", "c"], Ids(selector.Order(plan, new FakeLive(), Now)));
        Assert.Equal(["b", "a", "c"], Ids(selector.Order(plan, new FakeLive(new() { ["a"] = 1 }), Now)));
        Assert.Equal(["a", "b", "c"], Ids(selector.Order(plan, new FakeLive(new() { ["a"] = 1, ["b"] = 1 }), Now)));
        Assert.Equal(["b", "a", "c"], Ids(selector.Order(plan, new FakeLive(new() { ["a"] = 3, ["b"] = 2 }), Now)));
        Assert.Equal(["a", "b", "c"], Ids(selector.Order(plan, new FakeLive(new() { ["a"] = 5, ["b"] = 5 }), Now)));
    }

    [Fact]
    public void TheBandKeepsOffAColdTargetWhileTheWarmOneHasAFreeSlot()
    {
        // warm 0.45 × 0.35 = 0.1575; cold 0.35 × 0.55 × 0.65 = 0.1251 is within 0.05 but not loaded: with a free slot
        // on the warm one, the cold one's load makes it the slower.
        var snapshot = Snapshot(
            [DelayPredictionTests.WithSlots(Service("warm", assets: ["m"], loaded: ["m"]), 4), Service("cold", assets: ["m"])],
            benchmarks: [Sample("cold", "w", new System.Text.Json.Nodes.JsonObject { ["quality_score"] = 1.0 })]);
        var plan = snapshot.Find("m", ServiceKinds.Chat)!;

        Assert.Equal(0.1251, Math.Round(plan.Targets[1].Score, 4));
        Assert.Equal(["warm", "cold"], Ids(new RouteSelector().Order(plan, new FakeLive(new() { ["warm"] = 3 }), Now)));
    }

    [Fact]
    public void AnUnmeasuredEqualSharesABurstWithTheMeasuredFirstTarget()
    {
        // measured 0.45 × (0.35 + 0.20) = 0.2475; unknown 0.45 × 0.35 = 0.1575 is outside the band on its score alone,
        // but nothing says it is slower; reported 0.45 × (0.35 + 0.05) = 0.18 is known to be slow and stays out.
        var snapshot = Snapshot(
        [
            Service("measured", assets: ["m"], loaded: ["m"]) with { Measured = new ServiceMeasurements { Requests = 3, P50LatencyMs = 800, TokensPerSec = 10 } },
            Service("unknown", assets: ["m"], loaded: ["m"]),
            Service("reported", assets: ["m"], loaded: ["m"], p50: 5000),
        ]);
        var plan = snapshot.Find("m", ServiceKinds.Chat)!;
        var selector = new RouteSelector();

        Assert.Equal(["measured", "reported", "unknown"], Ids(selector.Order(plan, new FakeLive(), Now)));
        Assert.Equal(["unknown", "measured", "reported"], Ids(selector.Order(plan, new FakeLive(new() { ["measured"] = 1 }), Now)));
        Assert.Equal(["measured", "reported", "unknown"], Ids(selector.Order(plan, new FakeLive(new() { ["measured"] = 1, ["unknown"] = 1 }), Now)));
    }

    [Fact]
    public void AScoreToleranceOfZeroKeepsStrictRankOrder()
    {
        var snapshot = Snapshot([Service("a", assets: ["m"], p50: 100), Service("b", assets: ["m"], p50: 600)]);

        var order = new RouteSelector(scoreTolerance: 0).Order(snapshot.Find("m", ServiceKinds.Chat)!, new FakeLive(new() { ["a"] = 9 }), Now);

        Assert.Equal(["a", "b"], Ids(order));
    }

    [Fact]
    public void EqualServicesSpreadABurstByInFlight()
    {
        var snapshot = Snapshot([Service("a", assets: ["m"]), Service("b", assets: ["m"]), Service("c", assets: ["m"])]);
        var plan = snapshot.Find("m", ServiceKinds.Chat)!;
        var selector = new RouteSelector();
        var live = new FakeLive();

        for (var i = 0; i < 6; i++)
        {
            var pick = selector.Order(plan, live, Now)[0].ServiceId;
            live.InFlightCounts[pick] = live.InFlightCounts.GetValueOrDefault(pick) + 1;
        }

        Assert.Equal(2, live.InFlightCounts["a"]);
        Assert.Equal(2, live.InFlightCounts["b"]);
        Assert.Equal(2, live.InFlightCounts["c"]);
    }

    [Fact]
    public void TargetsCoolingDownAreSkipped()
    {
        var snapshot = Snapshot(
        [
            Service("table-cooling", assets: ["m"], loaded: ["m"], cooldownUntil: Now + 5),
            Service("table-expired", assets: ["m"], loaded: ["m"], cooldownUntil: Now),
            Service("live-cooling", assets: ["m"], loaded: ["m"]),
            Service("ok", assets: ["m"]),
        ]);
        var plan = snapshot.Find("m", ServiceKinds.Chat)!;
        var live = new FakeLive(cooldowns: new() { ["live-cooling"] = Now + 1 });

        Assert.Equal(["table-expired", "ok"], Ids(new RouteSelector().Order(plan, live, Now)));
        Assert.Equal(["live-cooling", "table-cooling", "table-expired", "ok"], Ids(new RouteSelector().Order(plan, live, Now + 10)));
    }

    [Fact]
    public void AllTargetsCoolingDownGiveAnEmptyOrder()
    {
        var snapshot = Snapshot([Service("a", assets: ["m"], cooldownUntil: Now + 5)], strategy: RoutingStrategies.RoundRobin);

        Assert.Empty(new RouteSelector().Order(snapshot.Find("m", ServiceKinds.Chat)!, NoLiveServiceLoad.Instance, Now));
    }

    [Fact]
    public void RoundRobinRotatesOnlyTheAvailableTargets()
    {
        var snapshot = Snapshot(
            [Service("a", assets: ["m"]), Service("b", assets: ["m"], cooldownUntil: Now + 5), Service("c", assets: ["m"])],
            strategy: RoutingStrategies.RoundRobin);
        var plan = snapshot.Find("m", ServiceKinds.Chat)!;
        var selector = new RouteSelector();

        var firsts = Enumerable.Range(0, 4).Select(_ => selector.Order(plan, NoLiveServiceLoad.Instance, Now)[0].ServiceId).ToArray();

        Assert.Equal(["a", "c", "a", "c"], firsts);
    }

    [Fact]
    public void APlanWithoutTargetsOrdersToNothing()
    {
        var plan = new RoutePlan { MatchType = "role", Model = "r", Kind = ServiceKinds.Chat, Strategy = RoutingStrategies.Scored, Targets = [] };

        Assert.Empty(new RouteSelector().Order(plan, NoLiveServiceLoad.Instance, Now));
    }

    [Fact]
    public void ServicesObservedInFlightDoNotAffectScoredOrder()
    {
        ServiceView[] services = [Service("a", assets: ["m"], inFlight: 9), Service("b", assets: ["m"])];

        Assert.Equal(["a", "b"], Ids(new RouteSelector().Order(Snapshot(services).Find("m", ServiceKinds.Chat)!, NoLiveServiceLoad.Instance, Now)));
    }
}
