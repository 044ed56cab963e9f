using System.ComponentModel.DataAnnotations;
using GenieHive.Routing;

namespace GenieHive.Facade.Routing;

/// <summary>Per-request target selection (<c>GenieHive:Routing</c>).</summary>
public sealed class RoutingOptions
{
    public const string SectionName = "GenieHive:Routing";

    /// <summary>
    /// Targets whose score is within this much of the best count as equally good, and among them the one with
    /// the fewest requests in flight gets the request (default 0.05).
    /// </summary>
    [Range(0, 1)]
    public double ScoreTolerance { get; set; } = RouteSelector.DefaultScoreTolerance;

    /// <summary>How long one long poll of Control's routing table may wait for a change, in seconds (default 8).</summary>
    [Range(1, 25)]
    public int WatchWaitSeconds { get; set; } = 8;
}
