namespace GenieHive.Contracts.Cluster;

/// <summary><c>POST /v1/cluster/routes/match</c>: which roles and services suit a described task.</summary>
public sealed record RouteMatchRequest
{
    public string? Task { get; init; }
    public List<string> Tasks { get; set; } = [];
    public string? Workload { get; init; }
    public List<string> Workloads { get; set; } = [];

    /// <summary>Restricts candidates to one operation (chat, embeddings, transcription).</summary>
    public string? Kind { get; init; }
    public string? Modality { get; init; }
    public bool IncludeDirectServices { get; set; } = true;
    public int Limit { get; set; } = 10;
}

public sealed record RouteMatchResponse
{
    public string Status { get; set; } = "ok";
    public int TaskCount { get; init; }
    public List<string> Tasks { get; set; } = [];
    public List<string> Workloads { get; set; } = [];
    public string? Kind { get; init; }
    public string? Modality { get; init; }
    public List<MatchCandidate> Candidates { get; set; } = [];
}

/// <summary>A scored role or service. Sorted by score descending, roles before services on ties, then id.</summary>
public sealed record MatchCandidate
{
    /// <summary><c>role</c> or <c>service</c>.</summary>
    public required string CandidateType { get; init; }
    public required string CandidateId { get; init; }
    public required string Operation { get; init; }

    /// <summary>Rounded to 4 decimals.</summary>
    public required double Score { get; init; }
    public List<string> Reasons { get; set; } = [];
    public required CandidateSignals Signals { get; init; }
    public RoleView? Role { get; init; }

    /// <summary>For a role, the service it resolves to now; for a service candidate, itself.</summary>
    public ServiceView? Service { get; init; }
}
