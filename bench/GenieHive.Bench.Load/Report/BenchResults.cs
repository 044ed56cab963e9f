using System.Text.Json.Serialization;
using GenieHive.Bench.Load.Cluster;
using GenieHive.Bench.Load.Stats;

namespace GenieHive.Bench.Load.Report;

/// <summary>Everything one run measured: the raw numbers written to <c>bench/results/&lt;timestamp&gt;.json</c>.</summary>
internal sealed record BenchResults
{
    public required string Timestamp { get; init; }
    public required string Mode { get; init; }
    public required string Gc { get; init; }
    public Dictionary<string, string?> FacadeEnvironment { get; init; } = [];

    /// <summary>The run's settings in one line (mode, GC, phases, environment, headers, auth).</summary>
    public string Variant { get; init; } = "";
    public required MachineInfo Machine { get; init; }
    public List<LoadAverageSample> LoadAverage { get; init; } = [];
    public WarmupResult? Warmup { get; set; }
    public ComparisonResult? Latency { get; set; }
    public ComparisonResult? Ttft { get; set; }
    public List<ThroughputResult> Throughput { get; init; } = [];
    public MemoryResult? Memory { get; set; }
    public List<AllocationResult> Allocations { get; init; } = [];
    public List<RoutingResult> Routing { get; init; } = [];
    public List<Verdict> Verdicts { get; set; } = [];
    public List<string> Notes { get; init; } = [];
}

/// <summary>How long the warm-up took and whether JIT compilation had settled in the measured processes.</summary>
internal sealed record WarmupResult(double Seconds, bool Settled, long FacadeJitMethods, double FacadeJitMs, long ForwarderJitMethods, double ForwarderJitMs);

/// <summary>The 1-, 5- and 15-minute load averages at one moment of the run (<c>/proc/loadavg</c>).</summary>
internal sealed record LoadAverageSample(string Phase, double One, double Five, double Fifteen);

/// <summary>
/// The interleaved comparison of the three paths one request at a time (latency, or time to first token when
/// streaming): each round measures every target in a rotated order, and "added" is computed within the round.
/// </summary>
internal sealed record ComparisonResult
{
    public required string Description { get; init; }
    public required int Concurrency { get; init; }
    public List<RoundResult> Rounds { get; init; } = [];

    /// <summary>All rounds' samples pooled, per target.</summary>
    public Dictionary<string, LatencySummary> Pooled { get; init; } = [];

    /// <summary>Per target (forwarder, facade): the per-round p50 minus the direct p50, aggregated over rounds.</summary>
    public Dictionary<string, RoundAggregate> AddedP50 { get; init; } = [];

    /// <summary>Per target: the per-round p99 minus the direct p99, aggregated over rounds.</summary>
    public Dictionary<string, RoundAggregate> AddedP99 { get; init; } = [];

    /// <summary>
    /// Per target: the p99 of all its samples minus the p99 of all direct samples. Where a round holds too few
    /// samples for a steady p99 (the time-to-first-token test: one stream at a time), this is the figure judged.
    /// </summary>
    public Dictionary<string, double> PooledAddedP99 { get; init; } = [];

    public int Errors { get; set; }
    public List<string> ErrorSamples { get; init; } = [];
}

internal sealed record RoundResult(int Round, IReadOnlyList<string> Order, Dictionary<string, LatencySummary> Targets);

/// <summary>Closed-loop throughput at one concurrency, interleaved like the latency comparison.</summary>
internal sealed record ThroughputResult
{
    public required int Concurrency { get; init; }
    public List<ThroughputRound> Rounds { get; init; } = [];

    /// <summary>Requests per second per target, aggregated over rounds.</summary>
    public Dictionary<string, RoundAggregate> RequestsPerSecond { get; init; } = [];

    /// <summary>The facade's throughput over the bare forwarder's, per round, aggregated.</summary>
    public RoundAggregate FacadeToForwarder { get; set; } = RoundAggregate.Of([]);

    /// <summary>The bare forwarder's throughput over the direct call's (DESIGN.md quotes 0.32–0.39 at 32 clients).</summary>
    public RoundAggregate ForwarderToDirect { get; set; } = RoundAggregate.Of([]);

    /// <summary>CPU milliseconds per request spent in each process (proxy and upstream), median over rounds, per target.</summary>
    public Dictionary<string, Dictionary<string, double>> CpuMsPerRequest { get; init; } = [];

    public int Errors { get; set; }
    public List<string> ErrorSamples { get; init; } = [];
}

internal sealed record ThroughputRound(
    int Round,
    IReadOnlyList<string> Order,
    Dictionary<string, double> RequestsPerSecond,
    Dictionary<string, LatencySummary> Latency,
    Dictionary<string, Dictionary<string, double>> CpuMsPerRequest,
    Dictionary<string, GcDelta> Gc);

/// <summary>Collections and allocations in a measured process over one measurement window.</summary>
internal sealed record GcDelta(long AllocatedBytes, int Gen0, int Gen1, int Gen2, double PauseMs);

/// <summary>The facade's memory: idle, and while holding many slow streams open.</summary>
internal sealed record MemoryResult
{
    public required MemoryReading IdleFresh { get; init; }
    public MemoryReading? IdleAfterLoad { get; set; }
    public int StreamsRequested { get; set; }
    public int StreamsOpen { get; set; }
    public MemoryReading? UnderStreams { get; set; }
    public MemoryReading? AfterStreams { get; set; }

    /// <summary>The bare forwarder (same runtime settings) at the same two idle moments, for scale.</summary>
    public MemoryReading? ForwarderIdleFresh { get; set; }
    public MemoryReading? ForwarderIdleAfterLoad { get; set; }
    public string? Problem { get; set; }
}

/// <summary>RSS from /proc plus the GC's own view, from the in-process probe.</summary>
internal sealed record MemoryReading(long RssBytes, long GcHeapBytes, long GcCommittedBytes, int Threads, bool ServerGc);

/// <summary>Bytes allocated per request in a measured process, background allocation subtracted.</summary>
internal sealed record AllocationResult(string Process, string Request, int Requests, double BytesPerRequest, double BackgroundBytesPerSecond, double Seconds);

/// <summary>One BenchmarkDotNet case of the route-selection bench.</summary>
internal sealed record RoutingResult(string Method, int Services, double MeanNs, double MedianNs, double? AllocatedBytes);

/// <summary>One row of the summary table.</summary>
internal sealed record Verdict(string What, string Measured, string Must, string Aim, string Status)
{
    [JsonIgnore]
    public bool Failed => Status.StartsWith("FAIL", StringComparison.Ordinal);
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(BenchResults))]
[JsonSerializable(typeof(ProbeSnapshot))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
