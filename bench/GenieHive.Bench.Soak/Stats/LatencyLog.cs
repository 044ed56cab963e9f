using GenieHive.Bench.Load.Stats;

namespace GenieHive.Bench.Soak.Stats;

/// <summary>One timed operation: when it finished (seconds since the measured phase began) and how long it took.</summary>
internal readonly record struct TimedSample(double At, double Ms);

/// <summary>Every timed operation of one kind, for percentiles overall and per window. Thread-safe.</summary>
internal sealed class LatencyLog
{
    private readonly Lock _gate = new();
    private readonly List<TimedSample> _samples = new(1 << 16);

    public void Add(double at, double ms)
    {
        lock (_gate)
        {
            _samples.Add(new TimedSample(at, ms));
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _samples.Clear();
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _samples.Count;
            }
        }
    }

    public TimedSample[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _samples];
        }
    }
}

/// <summary>Nearest-rank percentiles over a set of latencies (the load harness's <see cref="Percentiles"/>).</summary>
internal sealed record LatencySummary(int Count, double P50, double P95, double P99, double Max, double Mean)
{
    public static LatencySummary Of(IEnumerable<double> values)
    {
        var sorted = values.ToArray();
        if (sorted.Length == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0, 0);
        }

        Array.Sort(sorted);
        return new LatencySummary(
            sorted.Length,
            Round(Percentiles.OfSorted(sorted, 50)),
            Round(Percentiles.OfSorted(sorted, 95)),
            Round(Percentiles.OfSorted(sorted, 99)),
            Round(sorted[^1]),
            Round(sorted.Average()));
    }

    private static double Round(double value) => Math.Round(value, 3);
}

/// <summary>Throughput and latency of one window of the run.</summary>
internal sealed record WindowFigures(double From, double To, int Count, double PerSecond, double P50, double P99, double Max);

/// <summary>Cuts a run's samples into fixed windows.</summary>
internal static class TimeWindows
{
    public static List<WindowFigures> Of(TimedSample[] samples, double duration, double window)
    {
        var result = new List<WindowFigures>();
        for (var from = 0.0; from < duration - 1e-9; from += window)
        {
            var to = Math.Min(duration, from + window);
            if (to - from < 1)
            {
                // The measured phase ends a fraction past the last full window: too short a slice to report a rate.
                break;
            }

            var inWindow = samples.Where(s => s.At >= from && s.At < to).Select(s => s.Ms).ToArray();
            var summary = LatencySummary.Of(inWindow);
            result.Add(new WindowFigures(Math.Round(from, 1), Math.Round(to, 1), inWindow.Length,
                Math.Round(inWindow.Length / (to - from), 2), summary.P50, summary.P99, summary.Max));
        }

        return result;
    }
}
