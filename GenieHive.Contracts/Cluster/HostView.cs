using System.Text.Json.Nodes;

namespace GenieHive.Contracts.Cluster;

/// <summary>A host as Control knows it (<c>GET /v1/cluster/hosts</c>).</summary>
public sealed record HostView
{
    public required string HostId { get; init; }
    public string? DisplayName { get; init; }
    public required string Address { get; init; }
    public Dictionary<string, string> Labels { get; set; } = [];
    public JsonObject? Capabilities { get; init; }
    public JsonObject? Resources { get; init; }
    public required HostStatus Status { get; init; }
    public JsonObject? Metrics { get; init; }
    public int ServiceCount { get; init; }
}

/// <summary>
/// <see cref="LastSeen"/> is Control's clock at the last register or heartbeat (Unix seconds).
/// <see cref="Stale"/> is true once nothing was heard for <c>HostTimeoutSeconds</c>; a stale host's services get no traffic.
/// </summary>
public sealed record HostStatus(string State, double LastSeen, bool Stale, double? StaleForSeconds = null);
