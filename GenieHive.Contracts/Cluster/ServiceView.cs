using GenieHive.Contracts.Nodes;

namespace GenieHive.Contracts.Cluster;

/// <summary>
/// A service as Control knows it (<c>GET /v1/cluster/services</c>, and in the routing table): what the node
/// registered and reports, what the facade measured, and whether it can take traffic now.
/// </summary>
public sealed record ServiceView
{
    public required string ServiceId { get; init; }
    public required string HostId { get; init; }
    public required string Kind { get; init; }
    public string Protocol { get; set; } = "openai";
    public required string Endpoint { get; init; }
    public ServiceRuntime? Runtime { get; init; }
    public List<ServiceAsset> Assets { get; set; } = [];
    public ServiceState? State { get; init; }

    /// <summary>As the node reports it (configured values, or what the engine says).</summary>
    public ServiceObserved? Observed { get; init; }

    /// <summary>What the facade measured over its sliding window; wins over <see cref="Observed"/> once present.</summary>
    public ServiceMeasurements? Measured { get; init; }

    /// <summary>Set while the facade keeps the service out of rotation after failures.</summary>
    public ServiceCooldown? Cooldown { get; init; }

    /// <summary>True when the owning host has not been heard from for <c>HostTimeoutSeconds</c>.</summary>
    public bool HostStale { get; init; }

    /// <summary>Healthy, accepting, not stale and not cooling down.</summary>
    public bool Routable { get; init; }

    /// <summary>Control's clock at the last change (Unix seconds).</summary>
    public double UpdatedAt { get; init; }
}

/// <summary>Per-service figures measured by the facade on real traffic.</summary>
public sealed record ServiceMeasurements
{
    /// <summary>Requests completed in the window the percentiles cover.</summary>
    public long Requests { get; init; }
    public long Errors { get; init; }
    public double? P50LatencyMs { get; init; }
    public double? P95LatencyMs { get; init; }
    public double? TtftMs { get; init; }
    public double? TokensPerSec { get; init; }
    public int InFlight { get; init; }

    /// <summary>When the facade reported these (Unix seconds, Control's clock).</summary>
    public double ObservedAt { get; init; }
}

/// <summary>A service kept out of rotation after failures, until <see cref="Until"/> (Unix seconds).</summary>
public sealed record ServiceCooldown(double Until, string Reason, int ConsecutiveFailures);
