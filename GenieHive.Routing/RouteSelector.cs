using System.Collections.Concurrent;
using GenieHive.Contracts;
using GenieHive.Routing.Prediction;
using GenieHive.Routing.Scoring;

namespace GenieHive.Routing;

/// <summary>
/// Orders a plan's targets for one request: drops targets cooling down (locally or per the table), applies
/// the plan's strategy, and within the top-scored band prefers the target with the fewest requests in flight
/// so that a burst spreads over equal services. Holds the round-robin counters, which advance once per
/// request and never from listings or explanations.
/// </summary>
/// <remarks>
/// Strategies: <c>scored</c> takes the band of targets as good as the first-ranked one (score within
/// <see cref="ScoreTolerance"/>, same loaded state), picks the one with the fewest requests in flight (ties in
/// rank order), then lists every other target in rank order (failover order). <c>round_robin</c> rotates the available targets by a counter per plan key.
/// <c>least_loaded</c> orders by in flight here + engine queue depth + engine in flight, then p50 latency
/// (unknown or 0 last), then service id. The only allocation per call is the returned array.
/// </remarks>
public sealed class RouteSelector
{
    /// <summary>Targets whose score is within this much of the best count as equally good.</summary>
    public const double DefaultScoreTolerance = 0.05;

    /// <summary>Predicted delays closer than this (ms), or than <see cref="EqualDelayShare"/> of the smaller, count as equal.</summary>
    public const double EqualDelayMs = 1;
    public const double EqualDelayShare = 0.02;

    // Keyed by RoutePlan.Key (kind:name), not by plan instance, so that rotation survives snapshot swaps.
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly PrefixIndex _prefixes = new();

    public RouteSelector(double scoreTolerance = DefaultScoreTolerance)
    {
        ScoreTolerance = scoreTolerance;
    }

    public double ScoreTolerance { get; }

    /// <summary>The targets to try, in order (first choice first, then failover order). Empty when all are cooling down.</summary>
    public IReadOnlyList<RouteTarget> Order(RoutePlan plan, ILiveServiceLoad live, double now) =>
        OrderCore(plan, live, now, RequestShape.None, advance: true, out _);

    /// <summary>
    /// <c>Order</c> for a request whose prompt has <paramref name="shape"/> (its conversation prefix, for
    /// affinity), with how the first choice was made.
    /// </summary>
    public IReadOnlyList<RouteTarget> Order(RoutePlan plan, ILiveServiceLoad live, double now, in RequestShape shape, out RouteDecision decision) =>
        OrderCore(plan, live, now, shape, advance: true, out decision);

    /// <summary>
    /// The order <c>Order</c> would return now, without advancing any round-robin counter: for explanations,
    /// listings and match, which must not move traffic.
    /// </summary>
    public IReadOnlyList<RouteTarget> Peek(RoutePlan plan, ILiveServiceLoad live, double now) =>
        OrderCore(plan, live, now, RequestShape.None, advance: false, out _);

    /// <summary><c>Peek</c> with the decision behind the first choice (explanations).</summary>
    public IReadOnlyList<RouteTarget> Peek(RoutePlan plan, ILiveServiceLoad live, double now, in RequestShape shape, out RouteDecision decision) =>
        OrderCore(plan, live, now, shape, advance: false, out decision);

    /// <summary>
    /// The predicted delay of every target of <paramref name="plan"/> (rank order; default for those outside the
    /// band or cooling down), as the first choice was made: for explanations.
    /// </summary>
    public PredictedDelay[] Predict(RoutePlan plan, ILiveServiceLoad live, double now, in RequestShape shape, out bool[] inBand)
    {
        var targets = plan.Targets.IsDefault ? [] : plan.Targets.Where(t => !t.IsCoolingDown(live, now)).ToArray();
        var delays = new PredictedDelay[plan.Targets.IsDefault ? 0 : plan.Targets.Length];
        inBand = new bool[delays.Length];
        if (targets.Length == 0)
        {
            return delays;
        }

        var band = new bool[targets.Length];
        var scan = ScanBand(plan, targets, live, shape, band);
        for (var i = 0; i < targets.Length; i++)
        {
            var at = plan.Targets.IndexOf(targets[i]);
            inBand[at] = band[i];
            delays[at] = DelayPredictor.Predict(targets[i], live, now, shape, i == scan.Affinity && scan.AffinityHolds, scan.Peers);
        }

        return delays;
    }

    private RouteTarget[] OrderCore(RoutePlan plan, ILiveServiceLoad live, double now, in RequestShape shape, bool advance, out RouteDecision decision)
    {
        decision = default;
        var all = plan.Targets;
        if (all.IsDefaultOrEmpty)
        {
            return [];
        }

        var available = 0;
        Span<bool> cooling = all.Length <= 256 ? stackalloc bool[all.Length] : new bool[all.Length];
        for (var i = 0; i < all.Length; i++)
        {
            cooling[i] = all[i].IsCoolingDown(live, now);
            if (!cooling[i])
            {
                available++;
            }
        }

        if (available == 0)
        {
            return [];
        }

        var ordered = new RouteTarget[available];
        for (int i = 0, j = 0; i < all.Length; i++)
        {
            if (!cooling[i])
            {
                ordered[j++] = all[i];
            }
        }

        if (available == 1)
        {
            if (advance && plan.Strategy == RoutingStrategies.RoundRobin)
            {
                Advance(plan);
            }

            decision = new RouteDecision(AffinityOutcome.None, null, default, !ordered[0].Loaded);
            return ordered;
        }

        switch (plan.Strategy)
        {
            case RoutingStrategies.RoundRobin:
                RotateRoundRobin(plan, ordered, advance);
                decision = new RouteDecision(AffinityOutcome.None, null, default, !ordered[0].Loaded);
                break;
            case RoutingStrategies.LeastLoaded:
                SortLeastLoaded(ordered, live);
                decision = new RouteDecision(AffinityOutcome.None, null, default, !ordered[0].Loaded);
                break;
            default:
                PickWithinBand(plan, ordered, live, now, shape, advance, out decision);
                break;
        }

        return ordered;
    }

    private void PickWithinBand(RoutePlan plan, RouteTarget[] ordered, ILiveServiceLoad live, double now, in RequestShape shape, bool advance, out RouteDecision decision)
    {
        var n = ordered.Length;
        Span<bool> inBand = n <= 256 ? stackalloc bool[n] : new bool[n];
        var band = ScanBand(plan, ordered, live, shape, inBand);

        // The first choice: the lowest predicted delay in the band. Delays this close are equal (the figures are
        // estimates); then fewer in flight (a burst spreads over equal services), then the affinity target (so
        // facades agree), then rank.
        var chosen = 0;
        var chosenDelay = default(PredictedDelay);
        var chosenInFlight = 0;
        for (var i = 0; i < n; i++)
        {
            if (!inBand[i])
            {
                continue;
            }

            var candidate = ordered[i];
            var delay = DelayPredictor.Predict(candidate, live, now, shape, i == band.Affinity && band.AffinityHolds, band.Peers);
            var inFlight = live.InFlight(candidate.ServiceId);
            if (i == 0 || Better(delay.TotalMs, inFlight, i == band.Affinity, chosenDelay.TotalMs, chosenInFlight, chosen == band.Affinity))
            {
                chosen = i;
                chosenDelay = delay;
                chosenInFlight = inFlight;
            }
        }

        var pick = ordered[chosen];
        var outcome = band.Affinity < 0
            ? (band.Bounded ? AffinityOutcome.Spill : AffinityOutcome.None)
            : chosen != band.Affinity ? AffinityOutcome.Spill
            : band.AffinityHolds ? AffinityOutcome.Hit : AffinityOutcome.New;
        decision = new RouteDecision(outcome, band.AffinityServiceId, chosenDelay, !pick.Loaded);
        if (advance && shape.HasPrefix)
        {
            _prefixes.Remember(shape.PrefixHash, pick.ServiceId);
        }

        if (chosen > 0)
        {
            // Move the pick to the front; everything else keeps rank order for failover.
            Array.Copy(ordered, 0, ordered, 1, chosen);
            ordered[0] = pick;
        }
    }

    /// <summary>
    /// Marks the band (the targets as suitable as the first-ranked one) and finds, for a conversation, its affinity
    /// target: the service this facade last sent the prefix to, else the rendezvous winner among the band's services
    /// within the load bound. Also collects the band's best known speeds, presumed for services not yet measured.
    /// </summary>
    private BandScan ScanBand(RoutePlan plan, RouteTarget[] ordered, ILiveServiceLoad live, in RequestShape shape, Span<bool> inBand)
    {
        var first = ordered[0];
        var floor = first.Score - ScoreTolerance;
        var runtimeWeight = string.Equals(plan.MatchType, Catalog.ModelRouteTypes.Role, StringComparison.Ordinal)
            ? CandidateScorer.RoleRuntimeWeight
            : CandidateScorer.ServiceRuntimeWeight;
        var size = 0;
        var totalInFlight = 0;
        var peers = LiveFigures.Unknown;
        var holder = shape.HasPrefix ? _prefixes.Holder(shape.PrefixHash) : null;
        for (var i = 0; i < ordered.Length; i++)
        {
            var candidate = ordered[i];
            inBand[i] = i == 0 || BandScore(candidate, first, runtimeWeight) >= floor
                || (holder is not null && string.Equals(candidate.ServiceId, holder, StringComparison.Ordinal)
                    && Suitability(candidate, runtimeWeight) >= Suitability(first, runtimeWeight) - ScoreTolerance);
            if (inBand[i])
            {
                size++;
                totalInFlight += live.InFlight(candidate.ServiceId);
                peers = BestOf(peers, candidate, live);
            }
        }

        var scan = new BandScan { Peers = peers, Affinity = -1 };
        if (!shape.HasPrefix || size < 2)
        {
            return scan;
        }

        var top = -1;
        var topWeight = 0UL;
        var within = -1;
        var withinWeight = 0UL;
        for (var i = 0; i < ordered.Length; i++)
        {
            if (!inBand[i])
            {
                continue;
            }

            var candidate = ordered[i];
            var fits = PrefixAffinity.WithinBound(live.InFlight(candidate.ServiceId), totalInFlight, size);
            if (holder is not null && string.Equals(candidate.ServiceId, holder, StringComparison.Ordinal))
            {
                scan.AffinityServiceId = holder;
                scan.Affinity = fits ? i : -1;
                scan.AffinityHolds = fits;
                scan.Bounded = !fits;
                return scan;
            }

            var weight = PrefixAffinity.Weight(shape.PrefixHash, candidate.ServiceHash);
            if (top < 0 || weight > topWeight)
            {
                top = i;
                topWeight = weight;
            }

            if (fits && (within < 0 || weight > withinWeight))
            {
                within = i;
                withinWeight = weight;
            }
        }

        // Not sent from here before: the rendezvous winner. A later turn (more prompt than the opening) presumably
        // went there from another facade, or from this one before its index started over, so it holds the prefix.
        scan.Affinity = within;
        scan.AffinityServiceId = top >= 0 ? ordered[top].ServiceId : null;
        scan.AffinityHolds = within == top && shape.PromptTokens > shape.PrefixTokens;
        scan.Bounded = within != top;
        return scan;
    }

    /// <summary>Compares a candidate (a) with the current pick (b); see <see cref="PickWithinBand"/> for the order.</summary>
    private static bool Better(double delayA, int inFlightA, bool affinityA, double delayB, int inFlightB, bool affinityB)
    {
        var tolerance = Math.Max(EqualDelayMs, EqualDelayShare * Math.Min(delayA, delayB));
        if (Math.Abs(delayA - delayB) > tolerance)
        {
            return delayA < delayB;
        }

        if (inFlightA != inFlightB)
        {
            return inFlightA < inFlightB;
        }

        return affinityA && !affinityB;
    }

    /// <summary>The band's best known speeds so far, with this candidate's (own measurements, else the table's).</summary>
    private static LiveFigures BestOf(in LiveFigures best, RouteTarget candidate, ILiveServiceLoad live)
    {
        var own = live.Figures(candidate.ServiceId);
        var engine = candidate.Engine;
        var ttft = Known(own.TtftMs, engine.TtftMs);
        var decode = Known(own.DecodeTokensPerSec, engine.DecodeTokensPerSec);
        return new LiveFigures(
            Lowest(best.TtftMs, ttft),
            Highest(best.DecodeTokensPerSec, decode),
            Highest(best.PromptTokensPerSec, own.PromptTokensPerSec),
            Highest(best.CompletionTokens, own.CompletionTokens),
            Lowest(best.ColdLoadMs, own.ColdLoadMs),
            Lowest(best.SlotSharing, own.SlotSharing));
    }

    private static double Known(double own, double table) => double.IsFinite(own) && own > 0 ? own : table;

    private static double Lowest(double a, double b) => double.IsNaN(a) ? b : double.IsNaN(b) ? a : Math.Min(a, b);

    private static double Highest(double a, double b) => double.IsNaN(a) ? b : double.IsNaN(b) ? a : Math.Max(a, b);

    /// <summary>What <see cref="ScanBand"/> found.</summary>
    private struct BandScan
    {
        public LiveFigures Peers;

        /// <summary>Index of the affinity target in the ordered targets, or -1.</summary>
        public int Affinity;

        /// <summary>The service the prefix belongs to (the holder or the rendezvous winner), also when over its bound.</summary>
        public string? AffinityServiceId;

        /// <summary>The affinity target is presumed to hold the prefix in its prompt cache.</summary>
        public bool AffinityHolds;

        /// <summary>The prefix's own service was over its load bound.</summary>
        public bool Bounded;
    }

    /// <summary>
    /// A target's score for band membership: suitability, not speed or residency, which the predicted delay prices.
    /// A cold target gets back the loaded bonus the first one has (its load time is in its predicted delay instead,
    /// so it is used when everything loaded would take longer). One that nothing is known about yet (no
    /// measurement, no reported figures) is presumed as fast as a measured first one: otherwise the first service
    /// the facade measures outranks its unmeasured equals for good (unknown latency earns no points), one-at-a-time
    /// traffic never measures them, and a burst queues on one host while its peers idle.
    /// </summary>
    private static double BandScore(RouteTarget candidate, RouteTarget first, double runtimeWeight)
    {
        var runtime = candidate.Signals.RuntimeScore;
        if (string.Equals(candidate.Signals.RuntimeSource, RuntimeSources.None, StringComparison.Ordinal)
            && string.Equals(first.Signals.RuntimeSource, RuntimeSources.Measured, StringComparison.Ordinal))
        {
            runtime = Math.Max(runtime, first.Signals.RuntimeScore);
        }
        else if (!candidate.Loaded && first.Loaded)
        {
            runtime = Math.Min(1.0, runtime + RuntimeScorer.LoadedBonus);
        }

        return candidate.Score + (runtimeWeight * Math.Max(0, runtime - candidate.Signals.RuntimeScore));
    }

    /// <summary>
    /// A target's score with its measured speed taken out. The engine holding a conversation's prefix stays in the band
    /// when it is as suitable as the first and only measured slower: the predicted delay weighs its speed against the
    /// prefill its cache saves (a few percent of decode speed, often measurement noise between equal engines, must not
    /// send a later turn to recompute its whole prompt elsewhere).
    /// </summary>
    private static double Suitability(RouteTarget target, double runtimeWeight) =>
        target.Score - (runtimeWeight * target.Signals.RuntimeScore);

    private void RotateRoundRobin(RoutePlan plan, RouteTarget[] ordered, bool advance)
    {
        var ticket = advance ? Advance(plan) : Current(plan);
        var start = (int)(ticket % (ulong)ordered.Length);
        if (start > 0)
        {
            // Rotate left by start, in place: reverse the two halves, then the whole.
            Array.Reverse(ordered, 0, start);
            Array.Reverse(ordered, start, ordered.Length - start);
            Array.Reverse(ordered);
        }
    }

    /// <summary>Takes the next ticket for the plan's name (0 on the first request).</summary>
    private ulong Advance(RoutePlan plan)
    {
        var counter = _counters.GetOrAdd(plan.Key, static _ => new Counter());
        return (ulong)Interlocked.Increment(ref counter.Value) - 1;
    }

    private ulong Current(RoutePlan plan) =>
        _counters.TryGetValue(plan.Key, out var counter) ? (ulong)Volatile.Read(ref counter.Value) : 0;

    private static void SortLeastLoaded(RouteTarget[] ordered, ILiveServiceLoad live)
    {
        var n = ordered.Length;
        Span<int> load = n <= 128 ? stackalloc int[n] : new int[n];
        Span<double> latency = n <= 128 ? stackalloc double[n] : new double[n];
        for (var i = 0; i < n; i++)
        {
            var target = ordered[i];
            var observed = target.Service.Observed;
            load[i] = live.InFlight(target.ServiceId) + (observed?.QueueDepth ?? 0) + (observed?.InFlight ?? 0);
            latency[i] = target.Signals.P50LatencyMs is > 0 and var p50 ? p50 : double.PositiveInfinity;
        }

        // Insertion sort: candidate lists are short, and this keeps the sort allocation-free and stable.
        for (var i = 1; i < n; i++)
        {
            var target = ordered[i];
            var targetLoad = load[i];
            var targetLatency = latency[i];
            var j = i - 1;
            while (j >= 0 && Before(targetLoad, targetLatency, target.ServiceId, load[j], latency[j], ordered[j].ServiceId))
            {
                ordered[j + 1] = ordered[j];
                load[j + 1] = load[j];
                latency[j + 1] = latency[j];
                j--;
            }

            ordered[j + 1] = target;
            load[j + 1] = targetLoad;
            latency[j + 1] = targetLatency;
        }
    }

    private static bool Before(int loadA, double latencyA, string idA, int loadB, double latencyB, string idB)
    {
        if (loadA != loadB)
        {
            return loadA < loadB;
        }

        if (latencyA != latencyB)
        {
            return latencyA < latencyB;
        }

        return string.CompareOrdinal(idA, idB) < 0;
    }

    private sealed class Counter
    {
        public long Value;
    }
}
