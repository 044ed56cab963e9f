using System.Text.Json.Serialization;

namespace GenieHive.Facade.Console;

/// <summary><c>GET /v1/console/requests</c>: this facade's recent routing decisions, newest first.</summary>
/// <param name="Recorded">The id of the newest decision (how many were recorded since start).</param>
/// <param name="Capacity">How many decisions the facade keeps.</param>
/// <param name="Data">The decisions asked for, newest first.</param>
public sealed record RecentRequestList(long Recorded, int Capacity, List<RecentRequestView> Data)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; init; } = "list";
}

/// <summary>One routing decision on the wire (<see cref="RecentRequest"/>; times in Unix seconds and milliseconds).</summary>
public sealed record RecentRequestView
{
    public required long Id { get; init; }
    public required double At { get; init; }
    public required string RequestId { get; init; }
    public required string Kind { get; init; }
    public required string Model { get; init; }
    public required string RouteType { get; init; }
    public string? Role { get; init; }
    public string? FallbackVia { get; init; }
    public required string Strategy { get; init; }
    public string? FirstChoice { get; init; }
    public string? ServiceId { get; init; }
    public int Candidates { get; init; }
    public int Attempts { get; init; }
    public int Status { get; init; }

    /// <summary>Streamed answers only.</summary>
    public double? TtftMs { get; init; }
    public double DurationMs { get; init; }
}

/// <summary>
/// <c>GET /v1/console/scoring</c>: the weights of the two scores and the facade's tie tolerance, so the console shows
/// a score's parts from the one place they are defined (<c>GenieHive.Routing.Scoring.CandidateScorer</c>).
/// </summary>
/// <param name="Service">Weights of a service candidate (resolve's candidates, match's services).</param>
/// <param name="Role">Weights of a role candidate (match's roles).</param>
/// <param name="ScoreTolerance">Targets within this much of the best count as equal; the fewest in flight among them wins.</param>
public sealed record ScoringView(ScoreWeights Service, ScoreWeights Role, double ScoreTolerance);

/// <summary>What each signal counts for in a score; <see cref="Family"/> only in a role's.</summary>
public sealed record ScoreWeights(double Text, double Runtime, double Benchmark, double? Family = null);

/// <summary>
/// <c>GET /v1/console/speeds</c>: what this facade has measured of each service it has sent work to (or probed), as
/// its route selector prices them: requests in flight and the running speed estimates; null where not measured yet.
/// </summary>
public sealed record ServiceSpeedList(List<ServiceSpeedView> Data)
{
    [JsonPropertyOrder(-1)]
    public string Object { get; init; } = "list";
}

/// <summary>One service's live figures in this facade (times in ms; <see cref="CooldownUntil"/> in Unix seconds).</summary>
public sealed record ServiceSpeedView
{
    public required string ServiceId { get; init; }
    public int InFlight { get; init; }
    public double? TtftMs { get; init; }
    public double? DecodeTokensPerSec { get; init; }
    public double? PromptTokensPerSec { get; init; }
    public double? CompletionTokens { get; init; }
    public double? ColdLoadMs { get; init; }

    /// <summary>What each other busy slot costs a request there (0: independent slots).</summary>
    public double? SlotSharing { get; init; }
    public double? CooldownUntil { get; init; }
}
