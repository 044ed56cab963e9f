using System.Text.Json.Nodes;
using GenieHive.Contracts.Cluster;

namespace GenieHive.Control.Benchmarks.Runs;

/// <summary>
/// One service's case outcomes folded into a benchmark sample's results (<see cref="BenchmarkResultFields"/>): pass rate,
/// response rate, quality score (the mean check score), medians of latency, time to first token and tokens per second
/// over the answered cases, and mean token counts. Keys without a value (ttft for embeddings) are left out.
/// </summary>
public static class RunSummary
{
    public const string Source = "geniehive-benchmark-runner";

    public static JsonObject Build(IReadOnlyList<BenchmarkCaseResult> cases, string runId, string workload)
    {
        var answered = cases.Where(c => c.Answered).ToList();
        var count = cases.Count;
        var results = new JsonObject
        {
            [BenchmarkResultFields.Source] = Source,
            [BenchmarkResultFields.RunId] = runId,
            [BenchmarkResultFields.Workload] = workload,
            [BenchmarkResultFields.CaseCount] = count,
            [BenchmarkResultFields.PassRate] = Ratio(cases.Count(c => c.Passed), count),
            [BenchmarkResultFields.ResponseRate] = Ratio(answered.Count, count),
            [BenchmarkResultFields.QualityScore] = count == 0 ? 0 : Math.Round(cases.Average(c => c.Score), 4),
            [BenchmarkResultFields.Errors] = count - answered.Count,
        };
        Add(results, BenchmarkResultFields.P50LatencyMs, Median(answered.Select(c => c.LatencyMs)), 1);
        Add(results, BenchmarkResultFields.TtftMs, Median(answered.Select(c => c.TtftMs)), 1);
        Add(results, BenchmarkResultFields.TokensPerSec, Median(answered.Select(c => c.TokensPerSec)), 2);
        AddMean(results, BenchmarkResultFields.PromptTokens, answered.Select(c => c.PromptTokens));
        AddMean(results, BenchmarkResultFields.CompletionTokens, answered.Select(c => c.CompletionTokens));
        return results;
    }

    /// <summary>The median of the present values (the mean of the middle two for an even count), or null.</summary>
    public static double? Median(IEnumerable<double?> values)
    {
        var sorted = values.OfType<double>().Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double Ratio(int part, int whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);

    private static void Add(JsonObject results, string key, double? value, int decimals)
    {
        if (value is { } number)
        {
            results[key] = Math.Round(number, decimals);
        }
    }

    private static void AddMean(JsonObject results, string key, IEnumerable<int?> values)
    {
        var present = values.OfType<int>().ToArray();
        if (present.Length > 0)
        {
            results[key] = (int)Math.Round(present.Average(), MidpointRounding.AwayFromZero);
        }
    }
}
