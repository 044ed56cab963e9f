using GenieHive.Bench.Load.Stats;
using GenieHive.Bench.Quality.Replay;
using GenieHive.Bench.Quality.Scenarios;

namespace GenieHive.Bench.Quality.Stats;

/// <summary>
/// What one arm achieved in one scenario. Latency percentiles are over the answered turns and those that were too slow
/// to be answered in time (a timeout, or still unanswered when the run was cut), the latter counting as infinitely slow
/// (null here, "∞" in the table, once they reach the percentile), so an arm cannot look fast by leaving its slowest
/// turns unfinished. Turns that failed otherwise (an engine broke or refused) have no latency; they count in
/// <see cref="Failures"/>.
/// </summary>
internal sealed record ArmResult
{
    public required string Arm { get; init; }

    public required int Requests { get; init; }

    public required int Succeeded { get; init; }

    /// <summary>Failed turns by reason (<c>http 502</c>, <c>timeout</c>, <c>stream broke</c>, <c>cut</c>, <c>abandoned</c>, ...).</summary>
    public required IReadOnlyDictionary<string, int> Failures { get; init; }

    public double? TtftP50 { get; init; }

    public double? TtftP99 { get; init; }

    public double? EndToEndP50 { get; init; }

    public double? EndToEndP99 { get; init; }

    /// <summary>Turns answered with their first token within the scenario's target, per second of the trace.</summary>
    public double Goodput { get; init; }

    /// <summary>Share of the turns answered with their first token within the target.</summary>
    public double GoodShare { get; init; }

    /// <summary>Prompt tokens the engines reused from their caches, over all prompt tokens of answered turns.</summary>
    public double CacheHitRate { get; init; }

    /// <summary>TTFT p50 of conversations' first turns and of their later turns (multi-turn sessions only).</summary>
    public double? FirstTurnTtftP50 { get; init; }

    public double? LaterTurnTtftP50 { get; init; }

    /// <summary>Turns whose first token came later than a model load takes: they waited for a cold load (scenarios with loads).</summary>
    public int? ColdLoadWaits { get; init; }

    /// <summary>Model loads the engines did during the run (their <c>/sim/stats</c>).</summary>
    public long? ModelLoads { get; init; }

    /// <summary>Answered turns per engine.</summary>
    public required IReadOnlyDictionary<string, int> ServedBy { get; init; }

    public static ArmResult From(string arm, Scenario scenario, IReadOnlyList<TurnRecord> records, long? modelLoads)
    {
        var answered = records.Where(r => r.Succeeded).ToList();
        var good = answered.Count(r => r.TtftSeconds <= scenario.TtftTargetSeconds);
        var promptTokens = answered.Sum(r => (long)r.PromptTokens);
        var loadSeconds = scenario.Engines.Max(e => e.ModelLoadMs) / 1000.0;
        var conversations = records.Where(r => scenario.Sessions[r.Session].Turns > 1).ToList();
        return new ArmResult
        {
            Arm = arm,
            Requests = records.Count,
            Succeeded = answered.Count,
            Failures = records.Where(r => !r.Succeeded).GroupBy(r => r.Failure!, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            TtftP50 = Percentile(records, r => r.TtftSeconds, 50),
            TtftP99 = Percentile(records, r => r.TtftSeconds, 99),
            EndToEndP50 = Percentile(records, r => r.EndToEndSeconds, 50),
            EndToEndP99 = Percentile(records, r => r.EndToEndSeconds, 99),
            Goodput = good / scenario.TraceSeconds,
            GoodShare = records.Count == 0 ? 0 : (double)good / records.Count,
            CacheHitRate = promptTokens == 0 ? 0 : answered.Sum(r => (double)r.CachedTokens) / promptTokens,
            FirstTurnTtftP50 = conversations.Count == 0 ? null : Percentile([.. conversations.Where(r => r.Turn == 0)], r => r.TtftSeconds, 50),
            LaterTurnTtftP50 = conversations.Count == 0 ? null : Percentile([.. conversations.Where(r => r.Turn > 0)], r => r.TtftSeconds, 50),
            ColdLoadWaits = loadSeconds > 0 ? answered.Count(r => r.TtftSeconds >= 0.8 * loadSeconds) : null,
            ModelLoads = loadSeconds > 0 ? modelLoads : null,
            ServedBy = answered.GroupBy(r => r.ServedBy ?? "?", StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
        };
    }

    /// <summary>Failures that stand for "too slow": the turn would have been answered, later than the run allowed.</summary>
    public static bool TooSlow(string? failure) => failure is "timeout" or "cut";

    /// <summary>
    /// The nearest-rank percentile over the answered turns and the too-slow ones (as +∞); null when it lands on a
    /// too-slow turn, or when there is nothing to rank.
    /// </summary>
    public static double? Percentile(IReadOnlyList<TurnRecord> records, Func<TurnRecord, double?> value, double percentile)
    {
        var sorted = records
            .Where(r => r.Succeeded || TooSlow(r.Failure))
            .Select(r => r.Succeeded && value(r) is { } v ? v : double.PositiveInfinity)
            .Order()
            .ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var result = Percentiles.OfSorted(sorted, percentile);
        return double.IsFinite(result) ? result : null;
    }
}
