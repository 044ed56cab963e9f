namespace GenieHive.Bench.Load.Stats;

/// <summary>Exact percentiles over all samples (sorted arrays: no bucket error at sub-millisecond levels).</summary>
internal static class Percentiles
{
    /// <summary>
    /// The nearest-rank percentile of ascending <paramref name="sorted"/>: the smallest sample such that at least
    /// <paramref name="percentile"/>% of the samples are at or below it. NaN for no samples.
    /// </summary>
    public static double OfSorted(ReadOnlySpan<double> sorted, double percentile)
    {
        if (sorted.IsEmpty)
        {
            return double.NaN;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>The median: the mean of the two middle values for an even count. NaN for no values.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
