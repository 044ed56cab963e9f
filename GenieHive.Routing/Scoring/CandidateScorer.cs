using GenieHive.Contracts.Cluster;

namespace GenieHive.Routing.Scoring;

/// <summary>
/// The seed's weights, the one scoring implementation behind request routing, resolve explanations and
/// <c>routes/match</c>. Service = 20% text + 45% runtime + 35% benchmark; role = 30% text + 30% runtime
/// (of the service the role resolves to) + 25% benchmark (same service) + 15% family preference.
/// </summary>
public static class CandidateScorer
{
    public const double ServiceTextWeight = 0.20;
    public const double ServiceRuntimeWeight = 0.45;
    public const double ServiceBenchmarkWeight = 0.35;

    public const double RoleTextWeight = 0.30;
    public const double RoleRuntimeWeight = 0.30;
    public const double RoleBenchmarkWeight = 0.25;
    public const double RoleFamilyWeight = 0.15;

    public static double ServiceScore(double textOverlap, double runtimeScore, double benchmarkScore) =>
        Math.Min(1.0, (ServiceTextWeight * textOverlap) + (ServiceRuntimeWeight * runtimeScore) + (ServiceBenchmarkWeight * benchmarkScore));

    public static double RoleScore(double textOverlap, double runtimeScore, double benchmarkScore, double familyMatch) =>
        Math.Min(1.0, (RoleTextWeight * textOverlap) + (RoleRuntimeWeight * runtimeScore)
            + (RoleBenchmarkWeight * benchmarkScore) + (RoleFamilyWeight * familyMatch));

    /// <summary>Rounds a displayed figure to 4 decimals (scores are computed unrounded).</summary>
    public static double Round4(double value) => Math.Round(value, 4, MidpointRounding.AwayFromZero);

    /// <summary>The signals of a scored candidate, displayed figures rounded to 4 decimals.</summary>
    public static CandidateSignals Signals(
        double textOverlap, double runtimeScore, in RuntimeFigures runtime, in BenchmarkResult benchmark, double? familyMatch) => new()
        {
            TextOverlap = Round4(textOverlap),
            RuntimeScore = Round4(runtimeScore),
            BenchmarkScore = Round4(benchmark.Score),
            FamilyMatch = familyMatch,
            Loaded = runtime.Loaded,
            P50LatencyMs = runtime.P50LatencyMs,
            TokensPerSec = runtime.TokensPerSec,
            QueueDepth = runtime.QueueDepth,
            RuntimeSource = runtime.Source,
            BenchmarkMatchCount = benchmark.MatchCount,
            BestWorkloadOverlap = Round4(benchmark.BestOverlap),
            BenchmarkQualityScore = benchmark.BestQuality is { } quality ? Round4(quality) : null,
        };
}
