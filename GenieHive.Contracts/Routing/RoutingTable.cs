using GenieHive.Contracts.Cluster;

namespace GenieHive.Contracts.Routing;

/// <summary>
/// Everything the facade needs to route without asking Control per request, published by Control with a
/// version that grows on every routing-relevant change. The facade long-polls
/// <c>GET /v1/cluster/routing-table?after={version}</c> and swaps its snapshot when a newer one arrives.
/// </summary>
public sealed record RoutingTable
{
    public required long Version { get; init; }

    /// <summary>
    /// The history this version belongs to: a new id whenever Control's publisher starts (a restart, another
    /// replica). A delta only applies on top of a table with the same id; null from a Control that predates deltas.
    /// </summary>
    public string? TableId { get; init; }

    /// <summary>Control's clock when this version was built (Unix seconds).</summary>
    public required double GeneratedAt { get; init; }

    /// <summary>The default strategy (<c>GenieHive:Routing:Strategy</c>).</summary>
    public required string Strategy { get; init; }
    public required int HostTimeoutSeconds { get; init; }

    /// <summary>Every service with Control's view of it (host staleness, cooldowns, measurements applied).</summary>
    public List<ServiceView> Services { get; set; } = [];

    /// <summary>
    /// Every host with what routing reads of it; what changes at every heartbeat is left out (no <c>metrics</c>,
    /// <c>status.last_seen</c> 0, no <c>stale_for_seconds</c>), so a heartbeat that moves nothing routing reads publishes
    /// nothing. <c>GET /v1/cluster/hosts</c> has those figures.
    /// </summary>
    public List<HostView> Hosts { get; set; } = [];
    public List<RoleView> Roles { get; set; } = [];

    /// <summary>The samples that count for scoring (aged-out ones are left out).</summary>
    public List<BenchmarkSample> Benchmarks { get; set; } = [];
}
