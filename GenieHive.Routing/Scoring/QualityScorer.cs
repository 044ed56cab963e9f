using System.Text.Json.Nodes;
using GenieHive.Contracts.Cluster;

namespace GenieHive.Routing.Scoring;

/// <summary>
/// The quality of one benchmark sample's results, in [0, 1] (reference section 4.5):
/// correctness = the best of the correctness metrics present (each clamped to [0, 1]);
/// speed = min(0.5, tokens_per_sec / 80) plus a time-to-first-token band (≤500 ms 0.50, ≤1000 0.40,
/// ≤2500 0.25, otherwise 0.10), capped at 1; quality = 0.65 × correctness + 0.35 × speed, or speed alone
/// when no correctness metric is present. Example: quality_score 0.9, 30 tok/s, ttft 900 ms → 0.856.
/// </summary>
public static class QualityScorer
{
    /// <summary>Result keys read as correctness, each in [0, 1] (<see cref="BenchmarkResultFields.Correctness"/>).</summary>
    public static IReadOnlyList<string> CorrectnessKeys => BenchmarkResultFields.Correctness;

    public const double CorrectnessWeight = 0.65;
    public const double SpeedWeight = 0.35;

    public static double Score(JsonObject? results)
    {
        if (results is null || results.Count == 0)
        {
            return 0;
        }

        double? correctness = null;
        foreach (var key in CorrectnessKeys)
        {
            if (TryNumber(results, key, out var value))
            {
                var clamped = Math.Clamp(value, 0.0, 1.0);
                correctness = correctness is { } best ? Math.Max(best, clamped) : clamped;
            }
        }

        var speed = 0.0;
        if (TryNumber(results, BenchmarkResultFields.TokensPerSec, out var tokensPerSec))
        {
            speed += Math.Clamp(tokensPerSec / 80.0, 0.0, 0.5);
        }

        if (TryNumber(results, BenchmarkResultFields.TtftMs, out var ttftMs))
        {
            speed += TtftPoints(ttftMs);
        }

        speed = Math.Min(1.0, speed);
        return correctness is { } c ? (CorrectnessWeight * c) + (SpeedWeight * speed) : speed;
    }

    /// <summary>≤500 ms 0.50, ≤1000 0.40, ≤2500 0.25, otherwise 0.10.</summary>
    public static double TtftPoints(double ttftMs) => ttftMs switch
    {
        <= 500 => 0.50,
        <= 1000 => 0.40,
        <= 2500 => 0.25,
        _ => 0.10,
    };

    private static bool TryNumber(JsonObject results, string key, out double value)
    {
        value = 0;
        return results.TryGetPropertyValue(key, out var node) && JsonNumbers.TryGetDouble(node, out value);
    }
}
