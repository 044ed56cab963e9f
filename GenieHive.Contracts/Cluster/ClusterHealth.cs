namespace GenieHive.Contracts.Cluster;

/// <summary>
/// <c>GET /v1/cluster/health</c>: counts of hosts and services, the routing table version, and whether the Control
/// that answered leads its replicas.
/// </summary>
public sealed record ClusterHealth
{
    public string Status { get; set; } = "ok";
    public int HostCount { get; init; }
    public int OnlineHostCount { get; init; }
    public int StaleHostCount { get; init; }
    public int ServiceCount { get; init; }
    public int HealthyServiceCount { get; init; }
    public int RoutableServiceCount { get; init; }
    public int CoolingDownServiceCount { get; init; }
    public int RoleCount { get; init; }
    public long RoutingVersion { get; init; }
    public List<string> StaleHosts { get; set; } = [];

    /// <summary>The answering Control's part in leader election (absent from Controls older than it).</summary>
    public ControlLeadership? Leadership { get; init; }
}

/// <summary>
/// Whether this Control is the leader among the replicas on its database (always, on SQLite) and the epoch it leads
/// under (each election raises it; null while it follows).
/// </summary>
public sealed record ControlLeadership
{
    public bool Leader { get; init; }
    public long? Epoch { get; init; }
}
