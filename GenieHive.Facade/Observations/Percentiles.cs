namespace GenieHive.Facade.Observations;

/// <summary>Percentiles over a small sample, by linear interpolation between closest ranks.</summary>
public static class Percentiles
{
    /// <summary>
    /// The <paramref name="p"/> percentile (0..1) of <paramref name="sorted"/>, which must be sorted ascending;
    /// null for an empty sample.
    /// </summary>
    public static double? Of(ReadOnlySpan<double> sorted, double p)
    {
        if (sorted.IsEmpty)
        {
            return null;
        }

        var rank = Math.Clamp(p, 0, 1) * (sorted.Length - 1);
        var lower = (int)Math.Floor(rank);
        var upper = (int)Math.Ceiling(rank);
        return sorted[lower] + ((sorted[upper] - sorted[lower]) * (rank - lower));
    }
}
