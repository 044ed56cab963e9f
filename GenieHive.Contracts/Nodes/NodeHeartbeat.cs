using System.Text.Json.Nodes;

namespace GenieHive.Contracts.Nodes;

/// <summary>
/// <c>POST /v1/nodes/heartbeat</c>. When <see cref="Services"/> is non-empty it replaces the host's
/// services (live state from discovery and probes); when empty or missing they are left as they are.
/// An unknown host gets 404 and the agent registers again.
/// </summary>
public sealed record NodeHeartbeat
{
    public required string HostId { get; init; }
    public HeartbeatStatus? Status { get; init; }
    public JsonObject? Metrics { get; init; }
    public List<RegisteredService>? Services { get; init; }
}

public sealed record HeartbeatStatus
{
    public string State { get; set; } = "online";

    /// <summary>The node's clock (Unix seconds); informational, Control stamps its own.</summary>
    public double? LastSeen { get; init; }
}

/// <summary>Control's answer to register and heartbeat.</summary>
public sealed record NodeAck(string Status, Cluster.HostView Host);
