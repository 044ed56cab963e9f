namespace GenieHive.Contracts.Cluster;

/// <summary><c>GET /v1/cluster/health</c>: counts of hosts and services, and the routing table version.</summary>
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
}
