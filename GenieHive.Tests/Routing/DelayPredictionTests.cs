using System.Text;
using System.Text.Json;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Nodes;
using GenieHive.Facade.Proxy;
using GenieHive.Routing;
using GenieHive.Routing.Prediction;
using static GenieHive.Tests.Routing.RoutingTables;

namespace GenieHive.Tests.Routing;

/// <summary>The scored strategy's delay prediction and prefix affinity (DESIGN.md, "Routing on where the work is cheapest").</summary>
public sealed class DelayPredictionTests
{
    /// <summary>A later turn: a 1,500-token opening in a 1,600-token prompt.</summary>
    private static readonly RequestShape LaterTurn = new(0xC0FFEE, 1500, 1600);

    public static ServiceView WithSlots(ServiceView service, int slots) => service with
    {
        Runtime = new ServiceRuntime { Extra = new() { ["total_slots"] = JsonSerializer.SerializeToElement(slots) } },
    };

    private static ServiceView Engine(string id, int slots, double? ttftMs = 200, double? tps = 25, bool loaded = true) =>
        WithSlots(Service(id, assets: ["m"], loaded: loaded ? ["m"] : null, host: id), slots) with
        {
            Observed = new ServiceObserved { TtftMs = ttftMs, TokensPerSec = tps },
        };

    private static RoutePlan Plan(params ServiceView[] services) => Snapshot(services).Find("m", ServiceKinds.Chat)!;

    [Fact]
    public void TheQueueCountsOnlyRequestsBeyondTheSlots()
    {
        Assert.Equal(0, DelayPredictor.QueueMs(inFlight: 1, slots: 2, waiting: 0, serviceMs: 1000));
        Assert.Equal(500, DelayPredictor.QueueMs(inFlight: 2, slots: 2, waiting: 0, serviceMs: 1000));
        Assert.Equal(1500, DelayPredictor.QueueMs(inFlight: 2, slots: 2, waiting: 2, serviceMs: 1000));

        // Four of this facade's requests on two slots: the engine reports two waiting, which are those same two.
        Assert.Equal(1500, DelayPredictor.QueueMs(inFlight: 4, slots: 2, waiting: 2, serviceMs: 1000));
    }

    [Fact]
    public void TheFastEngineWithAQueueBeatsTheIdleSlowOne()
    {
        // 32-token answers (the measured average): fast 150 ms + 0.64 s per request, 4 slots; slow 1 s + 1.6 s, 2 slots
        // (within the fast one's suitability band: only those compete on delay).
        var plan = Plan(Engine("fast", 4, 150, 50), Engine("slow", 2, 1000, 20));
        // Slots measured independent (no sharing), as the simulator's are by default.
        var live = new FigureLive { InFlightCounts = { ["fast"] = 5 } };
        live.Speeds["fast"] = new LiveFigures(150, 50, double.NaN, 32, double.NaN, SlotSharing: 0);
        live.Speeds["slow"] = new LiveFigures(1000, 20, double.NaN, 32, double.NaN, SlotSharing: 0);

        Assert.Equal("fast", new RouteSelector().Order(plan, live, Now)[0].ServiceId);

        // Eleven in flight on four slots: the wait (8 × 0.79 s / 4) plus the answer still beats 2.6 s on the slow one.
        live.InFlightCounts["fast"] = 11;
        Assert.Equal("fast", new RouteSelector().Order(plan, live, Now)[0].ServiceId);

        live.InFlightCounts["fast"] = 30;
        Assert.Equal("slow", new RouteSelector().Order(plan, live, Now)[0].ServiceId);
    }

    [Fact]
    public void AnUnmeasuredEngineWhoseFirstRequestIsLateStopsGettingTraffic()
    {
        // The fast engine is measured and has a queue; nothing is known about the other, so it is presumed as good.
        var measured = Engine("fast", 2, 150, 50) with { Measured = new ServiceMeasurements { Requests = 20, P50LatencyMs = 790, TtftMs = 150, TokensPerSec = 50 } };
        var plan = Plan(measured, Engine("unknown", 2) with { Observed = null });
        var live = new FigureLive { InFlightCounts = { ["fast"] = 3, ["unknown"] = 1 } };
        live.Speeds["fast"] = new LiveFigures(150, 50, double.NaN, 32, double.NaN, SlotSharing: 0);

        Assert.Equal("unknown", new RouteSelector().Order(plan, live, Now)[0].ServiceId);

        // Its one request has waited two seconds beyond its prefill without a first token: it is not that fast.
        live.Speeds["unknown"] = LiveFigures.Unknown with { AwaitingSince = Now - 2 };
        var order = new RouteSelector().Order(plan, live, Now, RequestShape.None, out _);

        Assert.Equal("fast", order[0].ServiceId);
        var delays = new RouteSelector().Predict(plan, live, Now, RequestShape.None, out _);
        Assert.Equal(2000, delays[plan.Targets.IndexOf(plan.Targets.First(t => t.ServiceId == "unknown"))].TtftMs, 3);
    }

    [Fact]
    public void NoRequestWaitsForAColdLoadWhileAWarmReplicaHasAFreeSlot()
    {
        var plan = Plan(Engine("warm", 2), Engine("cold", 2, loaded: false));
        var live = new FigureLive { InFlightCounts = { ["warm"] = 1 } };

        var order = new RouteSelector().Order(plan, live, Now, RequestShape.None, out var decision);

        Assert.Equal("warm", order[0].ServiceId);
        Assert.False(decision.ColdLoad);
        Assert.Equal("direct", decision.Header("direct"));
    }

    [Fact]
    public void AtSaturationTheColdReplicaIsUsedWhenItsPredictedDelayIsLower()
    {
        var plan = Plan(Engine("warm", 1), Engine("cold", 1, loaded: false));
        var live = new FigureLive { InFlightCounts = { ["warm"] = 4 } };
        live.Speeds["cold"] = new LiveFigures(double.NaN, double.NaN, double.NaN, double.NaN, ColdLoadMs: 3000);

        var order = new RouteSelector().Order(plan, live, Now, RequestShape.None, out var decision);

        // Warm: 4 ahead × (0.2 s + 128 / 25 s) = 21 s of queue; cold: a 3 s load, then the answer.
        Assert.Equal("cold", order[0].ServiceId);
        Assert.True(decision.ColdLoad);
        Assert.Equal(3000, decision.Predicted.ColdLoadMs);
        Assert.Equal("direct;cold-load", decision.Header("direct"));
    }

    [Fact]
    public void AConversationReturnsToTheEngineHoldingItsPrefixWhileItHasAFreeSlot()
    {
        var plan = Plan(Engine("a", 2), Engine("b", 2));
        var selector = new RouteSelector();
        var live = new FigureLive();

        var first = selector.Order(plan, live, Now, LaterTurn with { PromptTokens = LaterTurn.PrefixTokens }, out var opening)[0].ServiceId;
        Assert.Equal(AffinityOutcome.New, opening.Affinity);

        // The holder is busier than its idle peer, but recomputing 1,500 tokens elsewhere costs more than sharing.
        live.InFlightCounts[first] = 1;
        var again = selector.Order(plan, live, Now, LaterTurn, out var decision)[0].ServiceId;

        Assert.Equal(first, again);
        Assert.Equal(AffinityOutcome.Hit, decision.Affinity);
        Assert.Equal("role;affinity=hit", decision.Header("role"));
        Assert.True(decision.Predicted.PrefillMs < 1500.0 / (25 * DelayPredictor.DefaultPrefillPerDecode) * 1000);
    }

    [Fact]
    public void AConversationSpillsWhenWaitingAtItsEngineCostsMoreThanRecomputingElsewhere()
    {
        var plan = Plan(Engine("a", 1), Engine("b", 1));
        var selector = new RouteSelector();
        var live = new FigureLive();
        var holder = selector.Order(plan, live, Now, LaterTurn, out _)[0].ServiceId;
        var other = holder == "a" ? "b" : "a";

        live.InFlightCounts[holder] = 3;
        var order = selector.Order(plan, live, Now, LaterTurn, out var decision);

        Assert.Equal(other, order[0].ServiceId);
        Assert.Equal(AffinityOutcome.Spill, decision.Affinity);
        Assert.Equal(holder, decision.AffinityServiceId);
        Assert.Equal("role;spill", decision.Header("role"));
    }

    [Fact]
    public void TwoNewConversationsAtOnceSpreadOverEqualEngines()
    {
        var plan = Plan(Engine("a", 1), Engine("b", 1));

        // Two openings whose rendezvous winner is the same engine, so affinity alone would stack them.
        var a = plan.Targets.First(t => t.ServiceId == "a");
        var b = plan.Targets.First(t => t.ServiceId == "b");
        var hashes = Enumerable.Range(1, 1000).Select(i => (ulong)i * 0x9E3779B97F4A7C15UL)
            .Where(h => PrefixAffinity.Weight(h, a.ServiceHash) > PrefixAffinity.Weight(h, b.ServiceHash))
            .Take(2).ToArray();
        var selector = new RouteSelector();
        var live = new FigureLive();

        var first = selector.Order(plan, live, Now, new RequestShape(hashes[0], 1500, 1500), out _)[0].ServiceId;
        live.InFlightCounts[first] = 1;
        var second = selector.Order(plan, live, Now, new RequestShape(hashes[1], 1500, 1500), out var decision)[0].ServiceId;

        Assert.Equal("a", first);
        Assert.Equal("b", second);
        Assert.Equal(AffinityOutcome.Spill, decision.Affinity);
    }

    [Fact]
    public void ANewConversationTakesTheIdleEngineOverABusyOneThatMeasuredFaster()
    {
        // Two slots each: "a" runs one request and measured a little faster, so with a free slot priced as free it
        // won. Its running request shares the engine's compute with the new one, which the idle "b" does not.
        var plan = Plan(Engine("a", 2), Engine("b", 2));
        var live = new FigureLive { InFlightCounts = { ["a"] = 1 } };
        live.Speeds["a"] = new LiveFigures(200, 27, double.NaN, 32, double.NaN);
        live.Speeds["b"] = new LiveFigures(200, 25, double.NaN, 32, double.NaN);

        var order = new RouteSelector().Order(plan, live, Now, new RequestShape(0xBEE5, 1500, 1500), out var decision);

        Assert.Equal("b", order[0].ServiceId);
        Assert.Equal(0, decision.Predicted.QueueMs);
    }

    [Fact]
    public void EnginesWhoseSlotsMeasuredIndependentFillTheirFreeSlotsFirst()
    {
        // Two engines, but "a" measured that a request beside another decodes as fast as alone: its free slot is as
        // good as "b"'s idle one, and it is clearly faster (beyond DelayPredictor.IndistinctFactor).
        var plan = Plan(Engine("a", 2), Engine("b", 2));
        var live = new FigureLive { InFlightCounts = { ["a"] = 1 } };
        live.Speeds["a"] = new LiveFigures(200, 40, double.NaN, 32, double.NaN, SlotSharing: 0);
        live.Speeds["b"] = new LiveFigures(200, 25, double.NaN, 32, double.NaN);

        Assert.Equal("a", new RouteSelector().Order(plan, live, Now, new RequestShape(0xBEE5, 1500, 1500), out _)[0].ServiceId);
    }

    [Fact]
    public void EnginesMeasuredCloseTogetherAreNotToldApartSoANewConversationGoesToTheIdleOne()
    {
        // Two equal engines whose few samples (a speed probe each, on a busy machine) came out 1.4x apart: the one that
        // measured faster is already running a conversation's opening, and the next conversation goes to the idle one.
        var plan = Plan(Engine("a", 2), Engine("b", 2));
        var live = new FigureLive { InFlightCounts = { ["a"] = 1 } };
        live.Speeds["a"] = new LiveFigures(140, 35, double.NaN, 32, double.NaN);
        live.Speeds["b"] = new LiveFigures(196, 25, double.NaN, 32, double.NaN);

        Assert.Equal("b", new RouteSelector().Order(plan, live, Now, new RequestShape(0xBEE5, 1500, 1500), out _)[0].ServiceId);

        // Further apart than DelayPredictor.IndistinctFactor they are different engines, and the faster one's free slot wins.
        live.Speeds["b"] = new LiveFigures(420, 10, double.NaN, 32, double.NaN);
        Assert.Equal("a", new RouteSelector().Order(plan, live, Now, new RequestShape(0xBEE5, 1500, 1500), out _)[0].ServiceId);
    }

    [Fact]
    public void ALaterTurnStaysWithItsEngineWhenTheTableMeasuresThatEngineSomewhatSlower()
    {
        // Two equal engines measured apart by load (CI saw 32 against 37 tokens a second): the holder's lower runtime
        // score took it out of the suitability band, and the later turn recomputed its whole prompt on the other.
        var selector = new RouteSelector();
        var live = new FigureLive();
        var holder = selector.Order(Plan(Engine("a", 2), Engine("b", 2)), live, Now, LaterTurn with { PromptTokens = LaterTurn.PrefixTokens }, out _)[0].ServiceId;
        var other = holder == "a" ? "b" : "a";
        // The holder's median latency includes its cold first turn, and its decode was measured a little slower.
        var slower = Plan(
            Engine(holder, 2) with { Observed = new ServiceObserved { TtftMs = 400, TokensPerSec = 19, P50LatencyMs = 3200 } },
            Engine(other, 2) with { Observed = new ServiceObserved { TtftMs = 200, TokensPerSec = 25, P50LatencyMs = 450 } });

        var again = selector.Order(slower, live, Now, LaterTurn, out var decision)[0].ServiceId;

        Assert.Equal(holder, again);
        Assert.Equal(AffinityOutcome.Hit, decision.Affinity);
    }

    [Fact]
    public void ALaterTurnStaysWithItsEngineWhileTheOtherSlotIsBusy()
    {
        // The holder runs the other conversation's turn: sharing its compute still beats prefilling 1,500 tokens anew.
        var plan = Plan(Engine("a", 2), Engine("b", 2));
        var selector = new RouteSelector();
        var live = new FigureLive();
        var holder = selector.Order(plan, live, Now, LaterTurn with { PromptTokens = LaterTurn.PrefixTokens }, out _)[0].ServiceId;
        live.InFlightCounts[holder] = 1;
        live.Speeds[holder] = new LiveFigures(200, 25, double.NaN, 32, double.NaN, SlotSharing: 1);

        var again = selector.Order(plan, live, Now, LaterTurn, out var decision)[0].ServiceId;

        Assert.Equal(holder, again);
        Assert.Equal(AffinityOutcome.Hit, decision.Affinity);
    }

    [Fact]
    public void FacadesThatNeverTalkedSendAConversationToTheSameEngine()
    {
        var plan = Plan(Engine("a", 2), Engine("b", 2), Engine("c", 2), Engine("d", 2));
        for (ulong hash = 1; hash < 200; hash++)
        {
            var shape = new RequestShape(hash * 0x9E3779B97F4A7C15UL, 1000, 1200);
            var one = new RouteSelector().Order(plan, new FigureLive(), Now, shape, out _)[0].ServiceId;
            var other = new RouteSelector().Order(plan, new FigureLive(), Now, shape, out var decision)[0].ServiceId;

            Assert.Equal(one, other);
            Assert.Equal(AffinityOutcome.Hit, decision.Affinity);
        }
    }

    [Fact]
    public void AHashCannotSteerMoreThanItsBoundOntoOneEngine()
    {
        // Four engines with plenty of slots and equal speed: a client that sends one prefix over and over gets its
        // engine up to ceil(1.25 × (total + 1) / 4), then the rest go elsewhere.
        var plan = Plan(Engine("a", 64), Engine("b", 64), Engine("c", 64), Engine("d", 64));
        var selector = new RouteSelector();
        var live = new FigureLive();
        for (var i = 0; i < 40; i++)
        {
            var pick = selector.Order(plan, live, Now, LaterTurn, out _)[0].ServiceId;
            live.InFlightCounts[pick] = live.InFlightCounts.GetValueOrDefault(pick) + 1;
        }

        Assert.All(live.InFlightCounts.Values, count => Assert.InRange(count, 1, (int)Math.Ceiling(1.25 * 41 / 4)));
        Assert.True(PrefixAffinity.WithinBound(inFlight: 1, bandInFlight: 4, bandSize: 4));
        Assert.False(PrefixAffinity.WithinBound(inFlight: 2, bandInFlight: 4, bandSize: 4));
    }

    [Fact]
    public void NonsenseFromAnEngineIsClampedNotBelieved()
    {
        var service = Service("x", assets: ["m"], loaded: ["m"], queue: -7, tps: 5e9) with
        {
            Runtime = new ServiceRuntime { Extra = new() { ["total_slots"] = JsonSerializer.SerializeToElement(-3) } },
        };

        var figures = EngineFigures.From(service);

        Assert.Null(figures.Slots);
        Assert.Equal(0, figures.Waiting);
        Assert.True(double.IsNaN(figures.DecodeTokensPerSec));
        Assert.Equal("total_slots,queue_depth,tokens_per_sec", figures.Clamped);

        // A table full of nonsense still routes, on the fallback figures.
        var plan = Plan(service, Engine("y", 1));
        var order = new RouteSelector().Order(plan, new FigureLive(), Now, LaterTurn, out var decision);
        Assert.Equal(2, order.Count);
        Assert.True(double.IsFinite(decision.Predicted.TotalMs));
        Assert.Equal(EngineFigures.MaxBelievableCount, EngineFigures.From(Service("z", queue: int.MaxValue)).Waiting);
    }

    [Fact]
    public void WithoutAnySpeedsTheFewestInFlightWinsAsBefore()
    {
        var plan = Plan(
            Service("a", assets: ["m"], loaded: ["m"], host: "a"),
            Service("b", assets: ["m"], loaded: ["m"], host: "b"),
            Service("c", assets: ["m"], loaded: ["m"], host: "c"));
        var live = new FigureLive { InFlightCounts = { ["a"] = 2, ["b"] = 1, ["c"] = 1 } };

        Assert.Equal("b", new RouteSelector().Order(plan, live, Now)[0].ServiceId);
    }

    [Fact]
    public void TheScannerHashesAConversationsOpeningTheSameOnEveryTurn()
    {
        const string system = """{"role":"system","content":"You are terse."}""";
        const string opening = """{"role":"user","content":"Here is a long document about bees."}""";
        var turn1 = Scan("[" + system + "," + opening + "]");
        var turn2 = Scan("[" + system + "," + opening + """,{"role":"assistant","content":"Noted."},{"role":"user","content":"Summarise."}]""");
        var other = Scan("[" + system + """,{"role":"user","content":"Another document."}]""");

        Assert.NotEqual(0UL, turn1.Hash);
        Assert.Equal(turn1.Hash, turn2.Hash);
        Assert.Equal(turn1.Bytes, turn2.Bytes);
        Assert.Equal(turn1.Bytes, turn1.PromptBytes);
        Assert.True(turn2.PromptBytes > turn1.PromptBytes);
        Assert.NotEqual(turn1.Hash, other.Hash);
        Assert.Equal(0UL, Scan("""[{"role":"system","content":"only instructions"}]""").Hash);
        Assert.Equal(0UL, Scan("[]").Hash);
    }

    private static ConversationOpening Scan(string messages)
    {
        var scanned = JsonRequestScanner.Scan(Encoding.UTF8.GetBytes("""{"model":"m","messages":""" + messages + ""","stream":true}"""));
        Assert.Null(scanned.Error);
        Assert.True(scanned.Stream);
        return scanned.Opening;
    }

    /// <summary>In flight and measured speeds per service, as the facade's tracker would have them.</summary>
    private sealed class FigureLive : ILiveServiceLoad
    {
        public Dictionary<string, int> InFlightCounts { get; } = [];

        public Dictionary<string, LiveFigures> Speeds { get; } = [];

        public int InFlight(string serviceId) => InFlightCounts.GetValueOrDefault(serviceId);

        public double? CooldownUntil(string serviceId) => null;

        public LiveFigures Figures(string serviceId) => Speeds.TryGetValue(serviceId, out var figures) ? figures : LiveFigures.Unknown;
    }
}
