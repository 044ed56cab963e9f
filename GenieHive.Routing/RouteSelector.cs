namespace GenieHive.Routing;

/// <summary>
/// Orders a plan's targets for one request: drops targets cooling down (locally or per the table), applies
/// the plan's strategy, and within the top-scored band prefers the target with the fewest requests in flight
/// so that a burst spreads over equal services. Holds the round-robin counters, which advance once per
/// request and never from listings or explanations.
/// </summary>
public sealed class RouteSelector
{
    /// <summary>Targets whose score is within this much of the best count as equally good.</summary>
    public const double DefaultScoreTolerance = 0.05;

    public RouteSelector(double scoreTolerance = DefaultScoreTolerance)
    {
        ScoreTolerance = scoreTolerance;
    }

    public double ScoreTolerance { get; }

    /// <summary>The targets to try, in order (first choice first, then failover order). Empty when all are cooling down.</summary>
    public IReadOnlyList<RouteTarget> Order(RoutePlan plan, ILiveServiceLoad live, double now) => throw new NotImplementedException();
}
