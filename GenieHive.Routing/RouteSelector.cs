using System.Collections.Concurrent;
using GenieHive.Contracts;
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

    // Keyed by RoutePlan.Key (kind:name), not by plan instance, so that rotation survives snapshot swaps.
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    public RouteSelector(double scoreTolerance = DefaultScoreTolerance)
    {
        ScoreTolerance = scoreTolerance;
    }

    public double ScoreTolerance { get; }

    /// <summary>The targets to try, in order (first choice first, then failover order). Empty when all are cooling down.</summary>
    public IReadOnlyList<RouteTarget> Order(RoutePlan plan, ILiveServiceLoad live, double now) => OrderCore(plan, live, now, advance: true);

    /// <summary>
    /// The order <see cref="Order"/> would return now, without advancing any round-robin counter: for explanations,
    /// listings and match, which must not move traffic.
    /// </summary>
    public IReadOnlyList<RouteTarget> Peek(RoutePlan plan, ILiveServiceLoad live, double now) => OrderCore(plan, live, now, advance: false);

    private RouteTarget[] OrderCore(RoutePlan plan, ILiveServiceLoad live, double now, bool advance)
    {
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

            return ordered;
        }

        switch (plan.Strategy)
        {
            case RoutingStrategies.RoundRobin:
                RotateRoundRobin(plan, ordered, advance);
                break;
            case RoutingStrategies.LeastLoaded:
                SortLeastLoaded(ordered, live);
                break;
            default:
                PickWithinBand(plan, ordered, live);
                break;
        }

        return ordered;
    }

    private void PickWithinBand(RoutePlan plan, RouteTarget[] ordered, ILiveServiceLoad live)
    {
        // The band holds the targets as good as the first-ranked one: score within the tolerance and the same
        // loaded state (a cold model costs a load, so a direct route never spreads onto one to save a queue slot).
        var first = ordered[0];
        var floor = first.Score - ScoreTolerance;
        var chosen = 0;
        var fewest = live.InFlight(first.ServiceId);
        var runtimeWeight = string.Equals(plan.MatchType, Catalog.ModelRouteTypes.Role, StringComparison.Ordinal)
            ? CandidateScorer.RoleRuntimeWeight
            : CandidateScorer.ServiceRuntimeWeight;
        for (var i = 1; i < ordered.Length && fewest > 0; i++)
        {
            var candidate = ordered[i];
            if (BandScore(candidate, first, runtimeWeight) < floor || candidate.Loaded != first.Loaded)
            {
                continue;
            }

            var inFlight = live.InFlight(candidate.ServiceId);
            if (inFlight < fewest)
            {
                fewest = inFlight;
                chosen = i;
            }
        }

        if (chosen > 0)
        {
            // Move the pick to the front; everything else keeps rank order for failover.
            var pick = ordered[chosen];
            Array.Copy(ordered, 0, ordered, 1, chosen);
            ordered[0] = pick;
        }
    }

    /// <summary>
    /// A target's score for band membership. One that nothing is known about yet (no measurement, no reported
    /// figures) is presumed as fast as a measured first one: otherwise the first service the facade measures
    /// outranks its unmeasured equals for good (unknown latency earns no points), one-at-a-time traffic never
    /// measures them, and a burst queues on one host while its peers idle. This only lets a busy first target
    /// share with it; once measured, its own figures decide.
    /// </summary>
    private static double BandScore(RouteTarget candidate, RouteTarget first, double runtimeWeight) =>
        string.Equals(candidate.Signals.RuntimeSource, RuntimeSources.None, StringComparison.Ordinal)
        && string.Equals(first.Signals.RuntimeSource, RuntimeSources.Measured, StringComparison.Ordinal)
            ? candidate.Score + (runtimeWeight * Math.Max(0, first.Signals.RuntimeScore - candidate.Signals.RuntimeScore))
            : candidate.Score;

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
