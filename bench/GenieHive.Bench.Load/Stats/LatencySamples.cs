using System.Diagnostics;

namespace GenieHive.Bench.Load.Stats;

/// <summary>Latency samples in milliseconds, summarised exactly (every sample kept and sorted).</summary>
internal sealed class LatencySamples
{
    private double[] _values;
    private int _count;

    public LatencySamples(int capacity = 4096)
    {
        _values = new double[Math.Max(16, capacity)];
    }

    public int Count => _count;

    /// <summary>Adds a duration measured in <see cref="Stopwatch"/> ticks.</summary>
    public void AddTicks(long ticks) => Add(ticks * 1000.0 / Stopwatch.Frequency);

    public void Add(double milliseconds)
    {
        if (_count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }

        _values[_count++] = milliseconds;
    }

    public void AddRange(LatencySamples other)
    {
        for (var i = 0; i < other._count; i++)
        {
            Add(other._values[i]);
        }
    }

    public LatencySummary Summarize()
    {
        var sorted = _values.AsSpan(0, _count).ToArray();
        Array.Sort(sorted);
        var mean = _count == 0 ? double.NaN : sorted.Average();
        return new LatencySummary(
            _count,
            Percentiles.OfSorted(sorted, 50),
            Percentiles.OfSorted(sorted, 90),
            Percentiles.OfSorted(sorted, 99),
            Percentiles.OfSorted(sorted, 99.9),
            _count == 0 ? double.NaN : sorted[0],
            _count == 0 ? double.NaN : sorted[^1],
            mean);
    }
}

/// <summary>A latency distribution in milliseconds.</summary>
internal sealed record LatencySummary(int Count, double P50, double P90, double P99, double P999, double Min, double Max, double Mean);
