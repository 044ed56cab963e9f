namespace GenieHive.Contracts.Observations;

/// <summary>
/// <c>POST /v1/cluster/observations</c>: what one facade measured on real traffic since it started,
/// per service, sent every second or two. Control keeps the latest report per facade and service.
/// </summary>
public sealed record ObservationReport
{
    /// <summary>Identifies the facade instance (several may report).</summary>
    public required string ReporterId { get; init; }
    public List<ServiceObservation> Services { get; set; } = [];
}

/// <summary>Sliding-window figures for one service as seen by one facade.</summary>
public sealed record ServiceObservation
{
    public required string ServiceId { get; init; }

    /// <summary>Requests completed inside the window.</summary>
    public long Requests { get; init; }
    public long Errors { get; init; }
    public double? P50LatencyMs { get; init; }
    public double? P95LatencyMs { get; init; }
    public double? TtftMs { get; init; }
    public double? TokensPerSec { get; init; }
    public int InFlight { get; init; }

    /// <summary>Set while the facade keeps the service out of rotation (Unix seconds, the facade's clock).</summary>
    public double? CooldownUntil { get; init; }
    public string? CooldownReason { get; init; }
    public int ConsecutiveFailures { get; init; }
}
