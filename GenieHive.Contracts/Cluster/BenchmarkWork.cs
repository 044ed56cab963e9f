using System.Text.Json.Nodes;

namespace GenieHive.Contracts.Cluster;

/// <summary>
/// <c>POST /v1/cluster/benchmarks/runs/claim</c>: the benchmarker asks for the oldest queued run, waiting up to
/// <see cref="WaitSeconds"/> for one to be queued.
/// </summary>
public sealed record BenchmarkClaimRequest
{
    /// <summary>Who claims (shown on the run as <c>worker</c>).</summary>
    public string? Worker { get; init; }

    /// <summary>Seconds to wait for a queued run before answering 204 (default 0, at most 25).</summary>
    public int? WaitSeconds { get; init; }
}

/// <summary>A claimed run (now running, leased to the claimant) and the requests its cases send.</summary>
public sealed record BenchmarkRunClaim
{
    public required BenchmarkRun Run { get; init; }

    /// <summary>
    /// One entry per case of the run in the order they run on each service (every workload case, repetition after
    /// repetition); <see cref="BenchmarkCaseRequest.Index"/> is what a case's report names.
    /// </summary>
    public List<BenchmarkCaseRequest> Cases { get; set; } = [];

    /// <summary>How long the claim holds without a report; the benchmarker renews it well within that.</summary>
    public required double LeaseSeconds { get; init; }
}

/// <summary>
/// One case as a request: the OpenAI body for the run's kind (chat: <c>messages</c>, <c>max_tokens</c> and the
/// workload's extra fields; embeddings: <c>input</c>), without <c>model</c>, which the benchmarker sets to the
/// service id so the facade routes to exactly that service.
/// </summary>
public sealed record BenchmarkCaseRequest
{
    public required int Index { get; init; }
    public required string Name { get; init; }
    public required int Repetition { get; init; }
    public required JsonObject Body { get; init; }
}

/// <summary>
/// <c>PUT /v1/cluster/benchmarks/runs/{id}/targets/{service_id}/cases/{index}</c>: what one case measured through
/// the facade. Control judges it with the case's check and records the outcome once (a repeated report of the same
/// index changes nothing). <see cref="Answered"/> is false when no usable answer came back, and <see cref="Error"/> says why.
/// </summary>
public sealed record BenchmarkCaseMeasurement
{
    public bool Answered { get; init; }
    public string? Error { get; init; }

    /// <summary>Chat: the visible answer text.</summary>
    public string? Text { get; init; }

    /// <summary>Embeddings: one vector per input, in input order.</summary>
    public List<float[]>? Vectors { get; init; }

    /// <summary>From sending the request to the end of the answer (milliseconds).</summary>
    public double LatencyMs { get; init; }

    /// <summary>Chat: from sending the request to the first visible token (milliseconds).</summary>
    public double? TtftMs { get; init; }

    public double? TokensPerSec { get; init; }
    public int? PromptTokens { get; init; }
    public int? CompletionTokens { get; init; }

    public static BenchmarkCaseMeasurement Failed(string error, double latencyMs) => new() { Error = error, LatencyMs = latencyMs };
}

/// <summary>
/// <c>POST /v1/cluster/benchmarks/runs/{id}/targets/{service_id}/finish</c>: the service's cases are done (Control
/// stores its sample from the recorded cases), or it could not be measured (<see cref="Error"/>).
/// </summary>
public sealed record BenchmarkTargetFinish
{
    public string? Error { get; init; }

    /// <summary>True when the run's time bound cut the service off.</summary>
    public bool CutOff { get; init; }
}

/// <summary><c>POST /v1/cluster/benchmarks/runs/{id}/finish</c>: every service of the run is done.</summary>
public sealed record BenchmarkRunFinish
{
    /// <summary>The run's time bound (seconds), reported when it cut services off.</summary>
    public double? TimeBoundSeconds { get; init; }
}

/// <summary>Control's answer to a lease renewal: the run's status and how long the claim holds now.</summary>
public sealed record BenchmarkRunLease(string Status, double LeaseSeconds);

/// <summary>
/// <c>GET /v1/cluster/benchmarks/schedule</c>: Control's schedule (<c>GenieHive:Benchmarks:Schedule</c>, checked
/// against its workloads at start-up), with each entry's latest scheduled run, which the benchmarker acts on.
/// </summary>
public sealed record BenchmarkSchedule
{
    /// <summary>Whether a service that appears or changes its loaded assets gets the entries that apply to it.</summary>
    public bool RunOnServiceChange { get; init; }
    public List<BenchmarkScheduleEntryView> Entries { get; set; } = [];
}

/// <summary>One schedule entry: a workload against a kind or a role, every <see cref="EveryHours"/>.</summary>
public sealed record BenchmarkScheduleEntryView
{
    /// <summary>The entry's position in the schedule; <c>POST .../schedule/{index}/runs</c> queues it.</summary>
    public required int Index { get; init; }
    public required string Workload { get; init; }
    public string? Kind { get; init; }
    public string? Role { get; init; }

    /// <summary>The workload's kind (what a service must do for the entry to apply to it).</summary>
    public required string WorkloadKind { get; init; }
    public required double EveryHours { get; init; }

    /// <summary>The newest run this entry queued on its schedule, or null when it never ran.</summary>
    public BenchmarkRunSummary? LastRun { get; init; }
}

/// <summary>A run in brief: its id, status and when it was created (Unix seconds).</summary>
public sealed record BenchmarkRunSummary(string Id, string Status, double CreatedAt);

/// <summary>
/// <c>POST /v1/cluster/benchmarks/schedule/{index}/runs</c>: queue a schedule entry now, against its own kind or role,
/// or (for a service that appeared or changed) against <see cref="ServiceId"/> alone.
/// </summary>
public sealed record BenchmarkScheduleRunRequest
{
    public string? ServiceId { get; init; }
}
