using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Nodes;
using GenieHive.Routing.Scoring;
using static GenieHive.Tests.Routing.RoutingTables;

namespace GenieHive.Tests.Routing;

public sealed class RuntimeScorerTests
{
    [Theory]
    [InlineData(0.0, 0.30)]
    [InlineData(499.0, 0.30)]
    [InlineData(499.9, 0.30)]
    [InlineData(500.0, 0.20)]
    [InlineData(1499.0, 0.20)]
    [InlineData(1500.0, 0.10)]
    [InlineData(2999.0, 0.10)]
    [InlineData(3000.0, 0.05)]
    [InlineData(60000.0, 0.05)]
    public void LatencyBandsFollowTheSeed(double p50, double expected)
    {
        Assert.Equal(expected, RuntimeScorer.LatencyPoints(p50));
        Assert.Equal(expected, RuntimeScorer.Score(new RuntimeFigures(false, p50, null, null, RuntimeSources.Reported)), 12);
    }

    [Fact]
    public void UnknownLatencyAddsNothing()
    {
        Assert.Equal(0, RuntimeScorer.LatencyPoints(null));
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(19.0, 0.0)]
    [InlineData(19.99, 0.0)]
    [InlineData(20.0, 0.10)]
    [InlineData(39.0, 0.10)]
    [InlineData(40.0, 0.20)]
    [InlineData(400.0, 0.20)]
    public void ThroughputBandsFollowTheSeed(double tokensPerSec, double expected)
    {
        Assert.Equal(expected, RuntimeScorer.ThroughputPoints(tokensPerSec));
        Assert.Equal(expected, RuntimeScorer.Score(new RuntimeFigures(false, null, tokensPerSec, null, RuntimeSources.Reported)), 12);
    }

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(1, 0.0)]
    [InlineData(2, 0.10)]
    [InlineData(4, 0.10)]
    [InlineData(5, 0.20)]
    [InlineData(50, 0.20)]
    public void QueuePenaltiesFollowTheSeed(int queue, double expected)
    {
        Assert.Equal(expected, RuntimeScorer.QueuePenalty(queue));
        Assert.Equal(0.35 + 0.30 - expected, RuntimeScorer.Score(new RuntimeFigures(true, 100, null, queue, RuntimeSources.Reported)), 12);
    }

    [Fact]
    public void LoadedAddsThirtyFiveHundredths()
    {
        Assert.Equal(0.35, RuntimeScorer.Score(new RuntimeFigures(true, null, null, null, RuntimeSources.None)), 12);
    }

    [Fact]
    public void TheBestServiceScoresEightyFiveHundredths()
    {
        Assert.Equal(0.85, RuntimeScorer.Score(new RuntimeFigures(true, 499, 40, 1, RuntimeSources.Reported)), 12);
    }

    [Fact]
    public void ScoreIsClampedAtZero()
    {
        Assert.Equal(0, RuntimeScorer.Score(new RuntimeFigures(false, null, null, 5, RuntimeSources.None)));
        Assert.Equal(0, RuntimeScorer.Score(new RuntimeFigures(false, 5000, 10, 9, RuntimeSources.Reported)));
    }

    [Fact]
    public void CombinedBandsAddUp()
    {
        // loaded 0.35 + p50 1200 0.20 + 25 tok/s 0.10 - queue 3 0.10
        Assert.Equal(0.55, RuntimeScorer.Score(new RuntimeFigures(true, 1200, 25, 3, RuntimeSources.Reported)), 12);
    }

    [Fact]
    public void MeasuredFiguresWinOverReportedOnesOnceRequestsWereMeasured()
    {
        var service = Service("s", assets: ["m"], p50: 100, tps: 50, queue: 2) with
        {
            Measured = new ServiceMeasurements { Requests = 3, P50LatencyMs = 2000, TokensPerSec = 10 },
        };

        var figures = RuntimeScorer.Figures(service);

        Assert.Equal(RuntimeSources.Measured, figures.Source);
        Assert.Equal(2000, figures.P50LatencyMs);
        Assert.Equal(10, figures.TokensPerSec);
        Assert.Equal(2, figures.QueueDepth);
        Assert.Equal(0.10 - 0.10, RuntimeScorer.Score(figures), 12);
    }

    [Fact]
    public void ReportedFiguresCountUntilSomethingIsMeasured()
    {
        var service = Service("s", p50: 100, tps: 50) with
        {
            Measured = new ServiceMeasurements { Requests = 0, P50LatencyMs = 2000, TokensPerSec = 10 },
        };

        var figures = RuntimeScorer.Figures(service);

        Assert.Equal(RuntimeSources.Reported, figures.Source);
        Assert.Equal(100, figures.P50LatencyMs);
        Assert.Equal(0.50, RuntimeScorer.Score(figures), 12);
    }

    [Fact]
    public void ServiceWithoutFiguresReportsSourceNone()
    {
        var figures = RuntimeScorer.Figures(Service("s", assets: ["a", "b"], loaded: ["b"]) with { Observed = null });

        Assert.Equal(RuntimeSources.None, figures.Source);
        Assert.True(figures.Loaded);
        Assert.Null(figures.P50LatencyMs);
    }

    [Fact]
    public void AnyLoadedAssetMakesTheServiceLoaded()
    {
        var service = Service("s") with
        {
            Assets = [new ServiceAsset { AssetId = "a" }, new ServiceAsset { AssetId = "b", Loaded = true }],
        };

        Assert.True(RuntimeScorer.Figures(service).Loaded);
    }
}
