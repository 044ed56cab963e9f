using GenieHive.Contracts.Cluster;

namespace GenieHive.Routing.Scoring;

/// <summary>What a benchmark score is asked about: the word tokens of the tasks and workloads, and the exact workloads.</summary>
public sealed class BenchmarkQuery
{
    private BenchmarkQuery(HashSet<string> tokens, HashSet<string> workloads)
    {
        Tokens = tokens;
        Workloads = workloads;
    }

    /// <summary>No tokens: every sample matches with overlap 0, so the score is 0.55 × the best quality.</summary>
    public static BenchmarkQuery Empty { get; } = new([], []);

    public IReadOnlySet<string> Tokens { get; }

    /// <summary>Workload names that match a sample exactly (overlap 1).</summary>
    public IReadOnlySet<string> Workloads { get; }

    public bool IsEmpty => Tokens.Count == 0;

    public static BenchmarkQuery Create(IEnumerable<string> tasks, IEnumerable<string> workloads)
    {
        var tokens = new HashSet<string>(StringComparer.Ordinal);
        var exact = new HashSet<string>(StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            TextTokens.AddTo(tokens, task);
        }

        foreach (var workload in workloads)
        {
            if (!string.IsNullOrWhiteSpace(workload))
            {
                exact.Add(workload.Trim());
                TextTokens.AddTo(tokens, workload);
            }
        }

        return tokens.Count == 0 && exact.Count == 0 ? Empty : new BenchmarkQuery(tokens, exact);
    }
}

/// <summary>A benchmark sample reduced to what scoring reads, computed once per routing-table version.</summary>
public sealed class ScoredSample
{
    public ScoredSample(string workload, double quality)
    {
        Workload = workload;
        WorkloadTokens = TextTokens.Of(workload);
        Quality = quality;
    }

    public string Workload { get; }
    public IReadOnlySet<string> WorkloadTokens { get; }

    /// <summary><see cref="QualityScorer.Score"/> of the sample's results.</summary>
    public double Quality { get; }

    public static ScoredSample From(BenchmarkSample sample) => new(sample.Workload, QualityScorer.Score(sample.Results));
}

/// <summary>A service's benchmark score for a query, with the figures behind it.</summary>
/// <param name="Score">0.45 × best overlap + 0.55 × best quality, capped at 1; 0 when no sample matched.</param>
/// <param name="MatchCount">Samples that matched the query.</param>
/// <param name="BestOverlap">The best workload overlap among matching samples.</param>
/// <param name="BestQuality">The best quality among matching samples, or null when none matched.</param>
public readonly record struct BenchmarkResult(double Score, int MatchCount, double BestOverlap, double? BestQuality)
{
    public static BenchmarkResult None { get; } = new(0, 0, 0, null);
}

/// <summary>
/// The seed's benchmark formula over a service's samples: a sample's workload overlap is 1 when its workload is
/// one of the requested workloads, otherwise the Jaccard similarity of the query's word tokens and the workload
/// name's; a sample matches when its overlap is above 0 or the query has no tokens; the score is
/// 0.45 × best overlap + 0.55 × best quality over the matching samples (the two may come from different samples).
/// The seed's weights, not the earlier code's (which had them the other way round).
/// </summary>
public static class BenchmarkScorer
{
    public const double OverlapWeight = 0.45;
    public const double QualityWeight = 0.55;

    public static double WorkloadOverlap(BenchmarkQuery query, ScoredSample sample)
    {
        if (query.Workloads.Contains(sample.Workload))
        {
            return 1;
        }

        return query.IsEmpty ? 0 : TextTokens.Jaccard(query.Tokens, sample.WorkloadTokens);
    }

    public static BenchmarkResult Score(IReadOnlyList<ScoredSample> samples, BenchmarkQuery query)
    {
        var matches = 0;
        var bestOverlap = 0.0;
        var bestQuality = 0.0;
        for (var i = 0; i < samples.Count; i++)
        {
            var sample = samples[i];
            var overlap = WorkloadOverlap(query, sample);
            if (overlap <= 0 && !query.IsEmpty)
            {
                continue;
            }

            matches++;
            bestOverlap = Math.Max(bestOverlap, overlap);
            bestQuality = Math.Max(bestQuality, sample.Quality);
        }

        if (matches == 0)
        {
            return BenchmarkResult.None;
        }

        var score = Math.Min(1.0, (OverlapWeight * bestOverlap) + (QualityWeight * bestQuality));
        return new BenchmarkResult(score, matches, bestOverlap, bestQuality);
    }

    public static BenchmarkResult Score(IEnumerable<BenchmarkSample> samples, BenchmarkQuery query) =>
        Score(samples.Select(ScoredSample.From).ToList(), query);

    /// <summary>Human sentences for a benchmark result, for explanations.</summary>
    public static void AddReasons(in BenchmarkResult result, List<string> reasons)
    {
        if (result.MatchCount == 0)
        {
            return;
        }

        reasons.Add("recent benchmark sample matches requested workload or task shape");
        reasons.Add(result.BestQuality >= 0.6
            ? "benchmark results indicate strong empirical fit"
            : "benchmark results indicate limited but relevant empirical fit");
    }
}
