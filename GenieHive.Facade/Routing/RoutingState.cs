using GenieHive.Routing;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Routing;

/// <summary>
/// The routing snapshot requests are served from, swapped atomically when Control publishes a new version,
/// and the selector that orders a plan's targets per request (its round-robin counters outlive snapshots).
/// </summary>
public sealed class RoutingState(IOptions<RequestRoutingOptions> options)
{
    private volatile RoutingSnapshot? _current;

    /// <summary>The latest snapshot; null until the first routing table arrived.</summary>
    public RoutingSnapshot? Current => _current;

    public RouteSelector Selector { get; } = new(options.Value.ScoreTolerance);

    internal void Publish(RoutingSnapshot snapshot) => _current = snapshot;
}
