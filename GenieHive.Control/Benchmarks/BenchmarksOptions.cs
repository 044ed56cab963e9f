using System.ComponentModel.DataAnnotations;

namespace GenieHive.Control.Benchmarks;

/// <summary>
/// Benchmark runs, workloads, schedule and sample ageing (<c>GenieHive:Benchmarks</c>), on Control. The benchmarker
/// measures the runs and acts on the schedule; its own settings are <c>GenieHive:Benchmarker</c>.
/// </summary>
public sealed class BenchmarksOptions
{
    public const string SectionName = "GenieHive:Benchmarks";

    /// <summary>
    /// Optional YAML file of extra workloads (a top-level <c>workloads:</c> list). A relative path resolves against
    /// the content root. When set, the file must exist and be valid, or Control refuses to start. Default: none.
    /// </summary>
    public string? WorkloadsPath { get; set; }

    /// <summary>
    /// Workloads re-run every <c>EveryHours</c> against a kind or a role, checked against the workloads at start-up and
    /// served to the benchmarker, which queues them when due. Default: none.
    /// </summary>
    public List<BenchmarkScheduleEntry> Schedule { get; set; } = [];

    /// <summary>
    /// When true, a service that appears or changes its loaded assets gets the scheduled workloads that apply to it
    /// (same kind, or a member of the scheduled role) as soon as it is routable. Default false.
    /// </summary>
    public bool RunOnServiceChange { get; set; }

    /// <summary>
    /// Samples older than this many hours leave the routing table (and so the scores); <c>GET /v1/cluster/benchmarks</c>
    /// still lists them. 0 keeps every sample. Default 168 (a week).
    /// </summary>
    [Range(0, 24 * 365 * 10)]
    public double MaxSampleAgeHours { get; set; } = 168;

    /// <summary>Seconds one case may take when a run does not say (default 60).</summary>
    [Range(1, 3600)]
    public double DefaultTimeoutSeconds { get; set; } = 60;

    /// <summary>The largest <c>timeout_seconds</c> a run may ask for (default 600).</summary>
    [Range(1, 3600)]
    public double MaxTimeoutSeconds { get; set; } = 600;

    /// <summary>The largest <c>repetitions</c> a run may ask for (default 10).</summary>
    [Range(1, 100)]
    public int MaxRepetitions { get; set; } = 10;

    /// <summary>
    /// Seconds a running run's claim holds without word from the benchmarker (default 30). It renews the lease every
    /// few seconds while it measures; when the lease runs out (the benchmarker stopped, or could not reach Control for
    /// that long), the run fails with the reason.
    /// </summary>
    [Range(1, 3600)]
    public double LeaseSeconds { get; set; } = 30;

    /// <summary>Finished runs kept (older ones are deleted). Default 200.</summary>
    [Range(1, 100_000)]
    public int KeepRuns { get; set; } = 200;

    /// <summary>The oldest <c>observed_at</c> (Unix seconds) that still counts at <paramref name="now"/>.</summary>
    public double SampleCutoff(double now) => MaxSampleAgeHours <= 0 ? double.NegativeInfinity : now - (MaxSampleAgeHours * 3600);
}

/// <summary>One scheduled workload: against every routable service of <see cref="Kind"/>, or the services of <see cref="Role"/>.</summary>
public sealed class BenchmarkScheduleEntry
{
    public string Workload { get; set; } = "";
    public string? Kind { get; set; }
    public string? Role { get; set; }

    /// <summary>Hours between two scheduled runs (default 24).</summary>
    public double EveryHours { get; set; } = 24;
}
