namespace GenieHive.Contracts.Cluster;

/// <summary><c>GET /v1/cluster/routes/resolve?model=&amp;kind=</c>.</summary>
public sealed record ResolveResponse(string Status, Resolution Resolution);

/// <summary>
/// How a name resolves, and why: the chosen service, every ranked candidate with its score and signals,
/// and every service that was considered and excluded, with the reason.
/// </summary>
public sealed record Resolution
{
    /// <summary><c>direct</c> (asset or service id) or <c>role</c>.</summary>
    public required string MatchType { get; init; }
    public required string Model { get; init; }
    public required string Kind { get; init; }

    /// <summary>The service a request would go to now (before the facade's in-flight tie-break); null when none is eligible.</summary>
    public ServiceView? Service { get; init; }

    /// <summary>The requested role (the primary one when a fallback answered).</summary>
    public RoleView? Role { get; init; }

    /// <summary>The fallback role whose pool supplied the service, when the requested role had none.</summary>
    public string? FallbackVia { get; init; }

    /// <summary>The model id the upstream receives.</summary>
    public string? UpstreamModel { get; init; }

    public required string Strategy { get; init; }

    /// <summary>How the first choice was made (strategy <c>scored</c>): prefix affinity, cold load, the header value.</summary>
    public RouteDecisionView? Decision { get; init; }

    public List<RankedCandidate> Candidates { get; set; } = [];
    public List<ExcludedService> Excluded { get; set; } = [];
}

/// <summary>An eligible service, ranked (best first).</summary>
public sealed record RankedCandidate
{
    public required string ServiceId { get; init; }
    public required string HostId { get; init; }
    public required double Score { get; init; }
    public required CandidateSignals Signals { get; init; }

    /// <summary>Strategy <c>scored</c>: the predicted delay until the answer is complete, and its parts.</summary>
    public PredictedDelayView? Predicted { get; init; }

    public List<string> Reasons { get; set; } = [];
}

/// <summary>
/// A candidate's predicted delay in milliseconds (DESIGN.md, "Routing on where the work is cheapest"): waiting for
/// a slot, prefill of the uncached prompt, time to first token, a model load when it is not loaded, decoding the
/// expected answer. <see cref="InBand"/>: as suitable as the best (only those compete on delay).
/// <see cref="Measured"/>: false when a speed is presumed from a peer or a default.
/// </summary>
public sealed record PredictedDelayView
{
    public double TotalMs { get; init; }
    public double QueueMs { get; init; }
    public double PrefillMs { get; init; }
    public double TtftMs { get; init; }
    public double ColdLoadMs { get; init; }
    public double DecodeMs { get; init; }
    public bool Measured { get; init; }
    public bool InBand { get; init; }

    /// <summary>Slots and engine-reported waiting requests the queue part was computed from.</summary>
    public int? Slots { get; init; }
    public int Waiting { get; init; }
}

/// <summary>
/// The first choice's decision: <see cref="Route"/> is the <c>X-GenieHive-Route</c> value a request gets
/// (<c>role;affinity=hit</c>, <c>role;spill</c>, <c>direct;cold-load</c>); <see cref="Affinity"/> is
/// <c>none</c>, <c>affinity=hit</c>, <c>affinity=new</c> or <c>spill</c>, with the service the prefix belongs to.
/// </summary>
public sealed record RouteDecisionView
{
    public required string Route { get; init; }
    public required string Affinity { get; init; }
    public string? AffinityServiceId { get; init; }
    public bool ColdLoad { get; init; }

    /// <summary>The conversation prefix hash explained (hex, as in the facade's <c>geniehive.prefix_hash</c> span tag), or null.</summary>
    public string? PrefixHash { get; init; }
}

/// <summary>A service considered for the name and left out, with a short machine-readable reason.</summary>
public sealed record ExcludedService(string ServiceId, string HostId, string Reason);

/// <summary>
/// The inputs of a score, so that every decision can be checked by hand against the seed's tables.
/// </summary>
public sealed record CandidateSignals
{
    public double TextOverlap { get; init; }
    public double RuntimeScore { get; init; }
    public double BenchmarkScore { get; init; }

    /// <summary>Role candidates only: 1 when the service matches the role's best preferred family.</summary>
    public double? FamilyMatch { get; init; }

    public bool Loaded { get; init; }
    public double? P50LatencyMs { get; init; }
    public double? TokensPerSec { get; init; }
    public int? QueueDepth { get; init; }

    /// <summary>Where the runtime figures came from: <c>measured</c> (facade), <c>reported</c> (node) or <c>none</c>.</summary>
    public string? RuntimeSource { get; init; }

    public int BenchmarkMatchCount { get; init; }
    public double BestWorkloadOverlap { get; init; }
    public double? BenchmarkQualityScore { get; init; }
}
