namespace GenieHive.Contracts.Cluster;

/// <summary>
/// The keys of a benchmark sample's <see cref="BenchmarkSample.Results"/>: what the benchmark runner writes and what
/// the scorer (GenieHive.Routing's QualityScorer), the CLI and the console read. Samples ingested from elsewhere may
/// carry other keys; these are the ones with a meaning.
/// </summary>
public static class BenchmarkResultFields
{
    /// <summary>Who produced the sample (the runner writes <c>geniehive-benchmark-runner</c>).</summary>
    public const string Source = "source";

    /// <summary>The run that produced the sample.</summary>
    public const string RunId = "run_id";
    public const string Workload = "workload";

    /// <summary>Cases run (workload cases × repetitions).</summary>
    public const string CaseCount = "case_count";

    /// <summary>Correctness: the share of cases whose check passed, in [0, 1].</summary>
    public const string PassRate = "pass_rate";

    /// <summary>The share of cases that got an answer, in [0, 1].</summary>
    public const string ResponseRate = "response_rate";

    /// <summary>Correctness: the mean check score, in [0, 1].</summary>
    public const string QualityScore = "quality_score";

    /// <summary>Cases that got no answer.</summary>
    public const string Errors = "errors";

    /// <summary>Median latency of the answered cases (milliseconds).</summary>
    public const string P50LatencyMs = "p50_latency_ms";

    /// <summary>Speed: median time to the first token of the answered chat cases (milliseconds).</summary>
    public const string TtftMs = "ttft_ms";

    /// <summary>Speed: median decode rate of the answered cases (tokens per second).</summary>
    public const string TokensPerSec = "tokens_per_sec";

    /// <summary>Mean prompt tokens of the answered cases.</summary>
    public const string PromptTokens = "prompt_tokens";

    /// <summary>Mean completion tokens of the answered cases.</summary>
    public const string CompletionTokens = "completion_tokens";

    /// <summary>Correctness metrics of the earlier implementation's agentic benchmarks, each in [0, 1].</summary>
    public const string TerminalAccuracy = "terminal_accuracy";
    public const string CompletionRate = "completion_rate";
    public const string TerminalToolCompletionRate = "terminal_tool_completion_rate";
    public const string ToolSuccessRate = "tool_success_rate";

    /// <summary>The keys the scorer reads as correctness, each in [0, 1] (the best one present counts).</summary>
    public static readonly IReadOnlyList<string> Correctness =
        [QualityScore, PassRate, TerminalAccuracy, CompletionRate, TerminalToolCompletionRate, ToolSuccessRate];
}
