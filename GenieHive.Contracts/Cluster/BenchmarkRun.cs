using System.Text.Json.Nodes;

namespace GenieHive.Contracts.Cluster;

/// <summary>Values of a benchmark run's (and a run target's) <c>status</c>.</summary>
public static class BenchmarkRunStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    /// <summary>True for the states a run (or target) never leaves.</summary>
    public static bool IsFinished(string? status) => status is Completed or Failed or Cancelled;
}

/// <summary>Values of a benchmark run's <c>trigger</c>: who asked for it.</summary>
public static class BenchmarkRunTriggers
{
    /// <summary>An operator or client, through <c>POST /v1/cluster/benchmarks/runs</c>.</summary>
    public const string Manual = "manual";

    /// <summary>The benchmarker, because a schedule entry was due.</summary>
    public const string Schedule = "schedule";

    /// <summary>The benchmarker, because a service appeared or changed its loaded assets (<c>RunOnServiceChange</c>).</summary>
    public const string ServiceChange = "service_change";
}

/// <summary>
/// <c>POST /v1/cluster/benchmarks/runs</c>: run a workload against one service (<see cref="ServiceId"/>), the
/// eligible services of a role (<see cref="Role"/>) or every routable service of a kind (<see cref="Kind"/>);
/// exactly one of the three.
/// </summary>
public sealed record BenchmarkRunRequest
{
    public string? Workload { get; init; }
    public string? ServiceId { get; init; }
    public string? Role { get; init; }
    public string? Kind { get; init; }

    /// <summary>Seconds one case may take (default 60).</summary>
    public double? TimeoutSeconds { get; init; }

    /// <summary>How many times every case runs (default 1).</summary>
    public int? Repetitions { get; init; }
}

/// <summary>A benchmark run: what it measures, against which services, and how far it got.</summary>
public sealed record BenchmarkRun
{
    public required string Id { get; init; }
    public required string Status { get; init; }
    public required string Workload { get; init; }

    /// <summary>The workload's kind (chat or embeddings).</summary>
    public required string Kind { get; init; }

    /// <summary>What was asked for: <c>service</c>, <c>role</c> or <c>kind</c>.</summary>
    public required string TargetType { get; init; }

    /// <summary>The service id, role id or kind that was asked for.</summary>
    public required string TargetName { get; init; }

    /// <summary><c>manual</c>, <c>schedule</c> or <c>service_change</c> (<see cref="BenchmarkRunTriggers"/>).</summary>
    public string Trigger { get; set; } = BenchmarkRunTriggers.Manual;
    public double TimeoutSeconds { get; init; }
    public int Repetitions { get; init; }

    /// <summary>Cases per service (workload cases × repetitions).</summary>
    public int CaseCount { get; init; }

    /// <summary>Unix seconds.</summary>
    public double CreatedAt { get; init; }
    public double? StartedAt { get; init; }
    public double? FinishedAt { get; init; }

    /// <summary>Why the run failed or was cancelled.</summary>
    public string? Error { get; init; }

    /// <summary>The benchmarker that claimed the run (its name), once it is running.</summary>
    public string? Worker { get; init; }

    /// <summary>
    /// Until when (Unix seconds) the claim holds without word from the benchmarker; each report renews it. A running
    /// run whose lease ran out is failed: nothing is measuring it any more.
    /// </summary>
    public double? LeaseExpiresAt { get; init; }

    /// <summary>One entry per service, with its progress and, once done, its results.</summary>
    public List<BenchmarkRunTarget> Targets { get; set; } = [];
}

/// <summary>One service of a run: progress, the per-case outcomes and the stored sample's results.</summary>
public sealed record BenchmarkRunTarget
{
    public required string ServiceId { get; init; }
    public string? HostId { get; init; }

    /// <summary>The asset the service answers with (its upstream model), as stored on the sample.</summary>
    public string? AssetId { get; init; }
    public string Status { get; set; } = BenchmarkRunStatuses.Queued;
    public int CasesTotal { get; init; }
    public int CasesDone { get; init; }
    public int CasesPassed { get; init; }
    public double? StartedAt { get; init; }
    public double? FinishedAt { get; init; }
    public string? Error { get; init; }

    /// <summary>The stored sample (null until the service's cases are done, and when nothing answered).</summary>
    public string? BenchmarkId { get; init; }

    /// <summary>The sample's results: pass_rate, p50_latency_ms, ttft_ms, tokens_per_sec, quality_score and more.</summary>
    public JsonObject? Results { get; init; }
    public List<BenchmarkCaseResult> Cases { get; set; } = [];
}

/// <summary>How one case went on one service.</summary>
public sealed record BenchmarkCaseResult
{
    public required string Case { get; init; }
    public int Repetition { get; init; }
    public bool Answered { get; init; }
    public bool Passed { get; init; }

    /// <summary>The check's score in [0, 1] (1 or 0 for pass/fail checks; partial for some).</summary>
    public double Score { get; init; }
    public double? LatencyMs { get; init; }
    public double? TtftMs { get; init; }
    public double? TokensPerSec { get; init; }
    public int? PromptTokens { get; init; }
    public int? CompletionTokens { get; init; }

    /// <summary>What the check found (why it failed), or the transport error.</summary>
    public string? Detail { get; init; }
}

/// <summary>A workload that runs can use (<c>GET /v1/cluster/benchmarks/workloads</c>).</summary>
public sealed record BenchmarkWorkloadView
{
    public required string Name { get; init; }
    public required string Kind { get; init; }
    public string? Description { get; init; }

    /// <summary><c>builtin</c>, or the path of the YAML file it came from.</summary>
    public required string Source { get; init; }
    public List<BenchmarkCaseView> Cases { get; set; } = [];
}

/// <summary>One case of a workload: its name, its check and its token budget.</summary>
public sealed record BenchmarkCaseView(string Name, string Check, int? MaxTokens);
