using GenieHive.Bench.Soak.Memory;
using GenieHive.Bench.Soak.Scale;
using GenieHive.Bench.Soak.Stats;
using GenieHive.Bench.Soak.Verification;

namespace GenieHive.Bench.Soak.Report;

/// <summary>Everything one soak run measured and checked: the body of <c>bench/results/soak-&lt;timestamp&gt;.json</c>.</summary>
internal sealed record SoakReport
{
    public required string RunName { get; init; }
    public required string StartedUtc { get; init; }
    public required string Command { get; init; }
    public string? Commit { get; init; }
    public required MachineFigures Machine { get; init; }
    public required RunShape Shape { get; init; }
    public required HeartbeatFigures Heartbeats { get; init; }
    public required ClientFigures Clients { get; init; }
    public required IReadOnlyList<UpdateCheckResult> UpdateChecks { get; init; }
    public required IReadOnlyList<ClusterSample> Cluster { get; init; }
    public required MemoryFigures Memory { get; init; }
    public required IReadOnlyList<LogScanResult> Logs { get; init; }
    public required ScaleFigures Scale { get; init; }
    public required Verdict Verdict { get; init; }
}

internal sealed record MachineFigures(
    int Cores,
    string LoadAverageBefore,
    double LoadAverage1MinMin,
    double LoadAverage1MinMean,
    double LoadAverage1MinMax,
    string LoadAverageAfter);

internal sealed record RunShape(
    int Nodes,
    int TrafficHosts,
    int Services,
    double HeartbeatIntervalMs,
    int Clients,
    double ClientRateTarget,
    double DurationSeconds,
    double MeasuredSeconds,
    int HostTimeoutSeconds);

internal sealed record HeartbeatFigures(
    long Sent,
    long Acknowledged,
    double PerSecondTarget,
    double PerSecondAverage,
    double PerSecondMin10s,
    long MissedTicks,
    long StateChanges,
    LatencySummary Latency,
    long Registrations,
    long Reregistrations,
    LatencySummary RegistrationLatency,
    long ErrorCount,
    Dictionary<string, long> Errors,
    Dictionary<string, string[]> ErrorSamples,
    IReadOnlyList<WindowFigures> Windows);

internal sealed record ClientFigures(
    long Sent,
    long Ok,
    double PerSecondAverage,
    LatencySummary Latency,
    Dictionary<string, LatencySummary> ByKind,
    LatencySummary StreamTtft,
    long ErrorCount,
    Dictionary<string, long> Errors,
    Dictionary<string, string[]> ErrorSamples,
    IReadOnlyList<WindowFigures> Windows);

/// <summary>Control's <c>/v1/cluster/health</c> at one sample, and the machine's load.</summary>
internal sealed record ClusterSample(double At, int Hosts, int StaleHosts, int RoutableServices, long RoutingVersion, double LoadAverage1Min);

internal sealed record ProcessMemory(
    string Name,
    int Pid,
    bool AliveAtEnd,
    double RssStartMb,
    double RssPeakMb,
    double RssEndMb,
    double? GcHeapStartMb,
    double? GcHeapPeakMb,
    double? GcHeapEndMb,
    int ThreadsStart,
    int ThreadsEnd,
    IReadOnlyList<PlateauVerdict> Plateau,
    IReadOnlyList<ProcessSample> Samples);

internal sealed record MemoryFigures(string Rule, double SampleIntervalSeconds, IReadOnlyList<ProcessMemory> Processes);

internal sealed record Verdict(bool Passed, IReadOnlyList<string> Failures);
