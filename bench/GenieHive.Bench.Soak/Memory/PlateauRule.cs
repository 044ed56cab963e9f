namespace GenieHive.Bench.Soak.Memory;

/// <summary>The verdict of the plateau rule on one series.</summary>
internal sealed record PlateauVerdict(
    string Series,
    double FirstThirdMaxMb,
    double MiddleThirdMaxMb,
    double LastThirdMaxMb,
    double LimitMb,
    bool Holds,
    double FirstHalfMeanMb,
    double SecondHalfMeanMb,
    double SecondHalfGrowthPercent);

/// <summary>
/// Memory must level off, not keep climbing: the samples are cut into thirds by time, and the largest value of the
/// last third may exceed the largest of the middle third by at most 10 % plus a slack of 8 MiB (one GC budget's worth
/// of noise). The first third is the warm-up (JIT, pools, heaps sizing themselves) and only reported. The means of
/// the first and second halves are reported beside it, as the plain "growth in the last half" figure.
/// </summary>
internal static class PlateauRule
{
    public const double Growth = 1.10;
    public const double SlackBytes = 8 * 1024 * 1024;

    public const string Description =
        "samples cut into thirds by time; plateau holds when max(last third) <= 1.10 x max(middle third) + 8 MiB (first third = warm-up, reported only)";

    public static PlateauVerdict? Check(string series, IReadOnlyList<double> values)
    {
        if (values.Count < 3)
        {
            return null;
        }

        var third = values.Count / 3.0;
        var first = values.Take((int)Math.Round(third)).Max();
        var middle = values.Skip((int)Math.Round(third)).Take((int)Math.Round(2 * third) - (int)Math.Round(third)).Max();
        var last = values.Skip((int)Math.Round(2 * third)).Max();
        var limit = (middle * Growth) + SlackBytes;
        var half = values.Count / 2;
        var firstHalf = values.Take(half).Average();
        var secondHalf = values.Skip(half).Average();
        var growth = Math.Round(100 * (secondHalf - firstHalf) / firstHalf, 1);
        return new PlateauVerdict(series, Mb(first), Mb(middle), Mb(last), Mb(limit), last <= limit, Mb(firstHalf), Mb(secondHalf), growth);
    }

    public static double Mb(double bytes) => Math.Round(bytes / (1024 * 1024), 1);
}
