using System.Globalization;

namespace GenieHive.Bench.Soak;

/// <summary>The machine's load average, from <c>/proc/loadavg</c>: the run shares two cores with whatever else runs.</summary>
internal static class LoadAverage
{
    /// <summary>"1-min 5-min 15-min", or "unknown".</summary>
    public static string Text()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public static double OneMinute() =>
        double.TryParse(Text().Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? load : 0;
}
