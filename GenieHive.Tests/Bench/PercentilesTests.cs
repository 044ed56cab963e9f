using GenieHive.Bench.Load.Stats;

namespace GenieHive.Tests.Bench;

public sealed class PercentilesTests
{
    private static readonly double[] OneToHundred = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();

    [Theory]
    [InlineData(0, 1)]
    [InlineData(50, 50)]
    [InlineData(90, 90)]
    [InlineData(99, 99)]
    [InlineData(99.9, 100)]
    [InlineData(100, 100)]
    public void NearestRankOfOneToHundred(double percentile, double expected)
    {
        Assert.Equal(expected, Percentiles.OfSorted(OneToHundred, percentile));
    }

    [Fact]
    public void AHighPercentileOfFewSamplesIsTheLargest()
    {
        Assert.Equal(0.3, Percentiles.OfSorted([0.1, 0.2, 0.3], 99));
        Assert.Equal(0.2, Percentiles.OfSorted([0.1, 0.2, 0.3], 50));
    }

    [Fact]
    public void NoSamplesHaveNoPercentile()
    {
        Assert.True(double.IsNaN(Percentiles.OfSorted([], 50)));
        Assert.True(double.IsNaN(Percentiles.Median([])));
    }

    [Fact]
    public void MedianOfAnEvenCountIsTheMeanOfTheMiddleTwo()
    {
        Assert.Equal(2.5, Percentiles.Median([4, 1, 3, 2]));
        Assert.Equal(3, Percentiles.Median([5, 3, 1]));
    }

    [Fact]
    public void SamplesKeepSubMillisecondPrecision()
    {
        var samples = new LatencySamples(4);
        foreach (var ms in new[] { 0.131, 0.127, 0.129, 0.133, 0.125, 2.5 })
        {
            samples.Add(ms);
        }

        var summary = samples.Summarize();

        Assert.Equal(6, summary.Count);
        Assert.Equal(0.129, summary.P50);
        Assert.Equal(2.5, summary.P99);
        Assert.Equal(0.125, summary.Min);
        Assert.Equal(2.5, summary.Max);
    }

    [Fact]
    public void RoundAggregateIsTheMedianOfTheRounds()
    {
        var aggregate = RoundAggregate.Of([0.2, 0.1, 5.0]);

        Assert.Equal(0.2, aggregate.Median);
        Assert.Equal(0.1, aggregate.Min);
        Assert.Equal(5.0, aggregate.Max);
    }
}
