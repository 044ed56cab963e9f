using System.Globalization;
using GenieHive.Bench.Load.Report;
using GenieHive.Bench.Load.Stats;

namespace GenieHive.Bench.Load.Scenarios;

/// <summary>
/// Interleaved comparison of the three paths: in round r the targets run in the order rotated by r (direct →
/// forwarder → facade, then forwarder → facade → direct, ...), either one block per target (<see cref="InBlocks"/>)
/// or request by request (<see cref="InterleavedLoop"/>), so that drift and thermal effects hit all three alike, and
/// each target's added cost is its percentile minus the direct call's within the same round.
/// </summary>
internal static class Comparison
{
    public const string Direct = "direct";
    public const string Forwarder = "forwarder";
    public const string Facade = "facade";

    /// <summary>The facade routing by role: request policy (system prompt, body defaults) edits the body.</summary>
    public const string FacadeRole = "facade-role";

    /// <summary>The order of round <paramref name="round"/>: the targets rotated left by the round number.</summary>
    public static IReadOnlyList<T> Rotate<T>(IReadOnlyList<T> items, int round)
    {
        var result = new T[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            result[i] = items[(i + round) % items.Count];
        }

        return result;
    }

    /// <summary>A round that runs <paramref name="block"/> for each target in turn, in the round's order.</summary>
    public static Func<IReadOnlyList<Target>, Task<IReadOnlyDictionary<string, LoadResult>>> InBlocks(Func<Target, Task<LoadResult>> block) =>
        async order =>
        {
            var loads = new Dictionary<string, LoadResult>(StringComparer.Ordinal);
            foreach (var target in order)
            {
                loads[target.Name] = await block(target);
            }

            return loads;
        };

    /// <summary>
    /// Runs <paramref name="rounds"/> rounds of <paramref name="round"/> (given the targets in the round's order) over
    /// <paramref name="targets"/> (the first is the direct call, the baseline) and summarises either total latency or
    /// time to first content.
    /// </summary>
    public static async Task<ComparisonResult> RunAsync(
        string description,
        IReadOnlyList<Target> targets,
        int rounds,
        int concurrency,
        bool firstContent,
        Func<IReadOnlyList<Target>, Task<IReadOnlyDictionary<string, LoadResult>>> round,
        Action<string> log)
    {
        var result = new ComparisonResult { Description = description, Concurrency = concurrency };
        var pooled = targets.ToDictionary(t => t.Name, _ => new LatencySamples(), StringComparer.Ordinal);
        for (var index = 0; index < rounds; index++)
        {
            var order = Rotate(targets, index);
            var summaries = new Dictionary<string, LatencySummary>(StringComparer.Ordinal);
            var loads = await round(order);
            foreach (var target in order)
            {
                var load = loads[target.Name];
                var samples = firstContent ? load.FirstContent : load.Latency;
                summaries[target.Name] = samples.Summarize();
                pooled[target.Name].AddRange(samples);
                result.Errors += load.Errors + load.MissingContent;
                if (load.FirstError is { } error && result.ErrorSamples.Count < 5)
                {
                    result.ErrorSamples.Add(error);
                }

                if (load.MissingContent > 0 && result.ErrorSamples.Count < 5)
                {
                    result.ErrorSamples.Add(load.MissingContent.ToString(CultureInfo.InvariantCulture) + " streams from " + target.Name + " carried no content");
                }
            }

            result.Rounds.Add(new RoundResult(index + 1, order.Select(t => t.Name).ToList(), summaries));
            var line = string.Join("  ", targets.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name} p50 {summaries[t.Name].P50:F3} p99 {summaries[t.Name].P99:F3} ms (n={summaries[t.Name].Count})")));
            log(string.Create(CultureInfo.InvariantCulture, $"  round {index + 1}/{rounds}: {line}"));
        }

        foreach (var (name, samples) in pooled)
        {
            result.Pooled[name] = samples.Summarize();
        }

        var baseline = targets[0].Name;
        foreach (var target in targets.Skip(1))
        {
            result.AddedP50[target.Name] = RoundAggregate.Of(result.Rounds.Select(r => r.Targets[target.Name].P50 - r.Targets[baseline].P50).ToList());
            result.AddedP99[target.Name] = RoundAggregate.Of(result.Rounds.Select(r => r.Targets[target.Name].P99 - r.Targets[baseline].P99).ToList());
            result.PooledAddedP99[target.Name] = result.Pooled[target.Name].P99 - result.Pooled[baseline].P99;
        }

        return result;
    }
}
