using System.Globalization;
using GenieHive.Bench.Load.Scenarios;

namespace GenieHive.Bench.Load.Report;

/// <summary>DESIGN.md's "Numbers to reach", checked against one run's results.</summary>
internal static class Verdicts
{
    public const string AimMet = "pass (aim met)";
    public const string MustMet = "pass (must met)";
    public const string Fail = "FAIL";
    public const string NotMeasured = "not measured";

    /// <summary>
    /// A ratio's denominator never goes below this (ms): when the forwarder's added p99 is within the noise of
    /// zero, a ratio to it would mean nothing.
    /// </summary>
    public const double MinAddedP99Ms = 0.05;

    /// <summary>One row per target of the table in DESIGN.md.</summary>
    public static List<Verdict> Evaluate(BenchResults results)
    {
        var rows = new List<Verdict>();

        if (results.Latency is { } latency && latency.AddedP50.TryGetValue(Comparison.Facade, out var p50) && latency.AddedP50.TryGetValue(Comparison.Forwarder, out var fwdP50))
        {
            rows.Add(AtMost("Added latency per request, one at a time, p50", p50.Median, 0.4, 0.2,
                F("{0:F3} ms (bare forwarder {1:F3} ms)", p50.Median, fwdP50.Median), "≤ 0.4 ms", "≤ 0.2 ms"));
        }
        else
        {
            rows.Add(Missing("Added latency per request, one at a time, p50", "≤ 0.4 ms", "≤ 0.2 ms"));
        }

        if (results.Latency is { } latency99 && latency99.AddedP99.TryGetValue(Comparison.Facade, out var p99) && latency99.AddedP99.TryGetValue(Comparison.Forwarder, out var fwdP99))
        {
            var ratio = AddedP99Ratio(p99.Median, fwdP99.Median);
            rows.Add(AtMost("Added latency p99 (× bare forwarder's added p99)", ratio, 2, 1.2,
                F("{0:F2}× (facade {1:F3} ms, bare forwarder {2:F3} ms)", ratio, p99.Median, fwdP99.Median), "≤ 2×", "≤ 1.2×"));
        }
        else
        {
            rows.Add(Missing("Added latency p99 (× bare forwarder's added p99)", "≤ 2×", "≤ 1.2×"));
        }

        // Pooled over the rounds: one stream at a time gives a round a few hundred samples, too few for its own p99.
        if (results.Ttft is { } ttft && ttft.PooledAddedP99.TryGetValue(Comparison.Facade, out var ttft99))
        {
            var fwd = ttft.PooledAddedP99.TryGetValue(Comparison.Forwarder, out var f) ? f : double.NaN;
            rows.Add(AtMost("Added time to first token when streaming, p99", ttft99, 1.5, 0.5,
                F("{0:F3} ms (bare forwarder {1:F3} ms; pooled over rounds)", ttft99, fwd), "≤ 1.5 ms", "≤ 0.5 ms"));
        }
        else
        {
            rows.Add(Missing("Added time to first token when streaming, p99", "≤ 1.5 ms", "≤ 0.5 ms"));
        }

        foreach (var concurrency in new[] { 32, 256 })
        {
            var what = F("Throughput, {0} concurrent clients (× bare forwarder)", concurrency);
            if (results.Throughput.FirstOrDefault(t => t.Concurrency == concurrency) is { } throughput && throughput.Rounds.Count > 0)
            {
                var ratio = throughput.FacadeToForwarder.Median;
                rows.Add(AtLeast(what, ratio, 0.8, 0.95,
                    F("{0:F2}× ({1:F0} vs {2:F0} req/s)", ratio, throughput.RequestsPerSecond[Comparison.Facade].Median, throughput.RequestsPerSecond[Comparison.Forwarder].Median),
                    "≥ 0.8×", "≥ 0.95×"));
            }
            else
            {
                rows.Add(Missing(what, "≥ 0.8×", "≥ 0.95×"));
            }
        }

        var selection = results.Routing.Where(r => r.Services == 10_000 && r.Method.Contains("Find", StringComparison.Ordinal)).ToList();
        if (selection.Count > 0)
        {
            var worst = selection.MaxBy(r => r.MeanNs)!;
            rows.Add(AtMost("Route selection with 10,000 registered services", worst.MeanNs / 1000, 25, 5,
                F("{0:F3} µs ({1})", worst.MeanNs / 1000, worst.Method), "≤ 25 µs", "≤ 5 µs"));
        }
        else
        {
            rows.Add(Missing("Route selection with 10,000 registered services", "≤ 25 µs", "≤ 5 µs"));
        }

        if (results.Memory is { } memory)
        {
            var idle = Math.Max(memory.IdleFresh.RssBytes, memory.IdleAfterLoad?.RssBytes ?? 0) / 1e6;
            rows.Add(AtMost("Facade memory idle (RSS)", idle, 100, 60,
                F("{0:F0} MB (fresh {1:F0} MB, after load {2:F0} MB)", idle, memory.IdleFresh.RssBytes / 1e6, (memory.IdleAfterLoad?.RssBytes ?? 0) / 1e6), "≤ 100 MB", "≤ 60 MB"));
            var what = F("Facade memory under {0} concurrent streams (RSS)", memory.StreamsRequested);
            if (memory.UnderStreams is { } under)
            {
                var row = AtMost(what, under.RssBytes / 1e6, 250, 150,
                    F("{0:F0} MB (GC heap {1:F0} MB, {2}/{3} streams open)", under.RssBytes / 1e6, under.GcHeapBytes / 1e6, memory.StreamsOpen, memory.StreamsRequested), "≤ 250 MB", "≤ 150 MB");
                rows.Add(memory.StreamsOpen < memory.StreamsRequested ? row with { Status = Fail + " (not every stream opened)" } : row);
            }
            else
            {
                rows.Add(Missing(what, "≤ 250 MB", "≤ 150 MB"));
            }
        }
        else
        {
            rows.Add(Missing("Facade memory idle (RSS)", "≤ 100 MB", "≤ 60 MB"));
            rows.Add(Missing("Facade memory under 500 concurrent streams (RSS)", "≤ 250 MB", "≤ 150 MB"));
        }

        return rows;
    }

    /// <summary>The facade's added p99 over the forwarder's, the latter floored at <see cref="MinAddedP99Ms"/>.</summary>
    public static double AddedP99Ratio(double facadeAddedP99, double forwarderAddedP99) =>
        Math.Max(facadeAddedP99, 0) / Math.Max(forwarderAddedP99, MinAddedP99Ms);

    public static Verdict AtMost(string what, double value, double must, double aim, string measured, string mustText, string aimText) =>
        new(what, measured, mustText, aimText, double.IsNaN(value) ? NotMeasured : value <= aim ? AimMet : value <= must ? MustMet : Fail);

    public static Verdict AtLeast(string what, double value, double must, double aim, string measured, string mustText, string aimText) =>
        new(what, measured, mustText, aimText, double.IsNaN(value) ? NotMeasured : value >= aim ? AimMet : value >= must ? MustMet : Fail);

    private static Verdict Missing(string what, string must, string aim) => new(what, "-", must, aim, NotMeasured);

    private static string F(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
