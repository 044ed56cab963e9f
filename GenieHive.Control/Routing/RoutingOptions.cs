using System.ComponentModel.DataAnnotations;
using GenieHive.Contracts;

namespace GenieHive.Control.Routing;

/// <summary>How Control routes and when hosts go stale (<c>GenieHive:Routing</c>).</summary>
public sealed class RoutingOptions
{
    public const string SectionName = "GenieHive:Routing";

    /// <summary>
    /// The default selection strategy: <c>scored</c> (default), <c>round_robin</c> or <c>least_loaded</c>.
    /// A role's <c>routing_policy.strategy</c> overrides it. Anything else stops Control at start-up.
    /// </summary>
    public string Strategy { get; set; } = RoutingStrategies.Scored;

    /// <summary>
    /// Seconds without a register or heartbeat after which a host is stale and its services get no traffic
    /// (default 15). After Control restarts, every known host gets this long to check in again.
    /// </summary>
    [Range(1, 86_400)]
    public int HostTimeoutSeconds { get; set; } = 15;

    /// <summary>
    /// How many published versions the routing watch keeps the changes of (default 64): a facade at most this many
    /// versions behind gets a delta, one further behind (or on another history) gets the whole table.
    /// </summary>
    [Range(1, 100_000)]
    public int WatchHistoryVersions { get; set; } = 64;
}
