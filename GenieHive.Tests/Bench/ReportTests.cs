using GenieHive.Bench.Load.Report;
using GenieHive.Bench.Load.Scenarios;
using GenieHive.Bench.Load.Stats;

namespace GenieHive.Tests.Bench;

public sealed class ReportTests
{
    [Theory]
    [InlineData(0.15, Verdicts.AimMet)]
    [InlineData(0.2, Verdicts.AimMet)]
    [InlineData(0.3, Verdicts.MustMet)]
    [InlineData(0.4, Verdicts.MustMet)]
    [InlineData(0.41, Verdicts.Fail)]
    public void AtMostRowsAreJudgedAgainstAimThenMust(double value, string expected)
    {
        Assert.Equal(expected, Verdicts.AtMost("added p50", value, 0.4, 0.2, "x", "≤ 0.4 ms", "≤ 0.2 ms").Status);
    }

    [Theory]
    [InlineData(0.97, Verdicts.AimMet)]
    [InlineData(0.8, Verdicts.MustMet)]
    [InlineData(0.79, Verdicts.Fail)]
    public void AtLeastRowsAreJudgedAgainstAimThenMust(double value, string expected)
    {
        Assert.Equal(expected, Verdicts.AtLeast("throughput", value, 0.8, 0.95, "x", "≥ 0.8×", "≥ 0.95×").Status);
    }

    [Fact]
    public void AddedP99RatioDoesNotDivideByNoise()
    {
        Assert.Equal(2.0, Verdicts.AddedP99Ratio(2.0, 1.0));
        Assert.Equal(4.0, Verdicts.AddedP99Ratio(0.2, -0.3), 12);
        Assert.Equal(0.0, Verdicts.AddedP99Ratio(-0.1, 1.0));
    }

    [Fact]
    public void RoundsRotateSoEveryTargetRunsInEveryPosition()
    {
        string[] targets = ["direct", "forwarder", "facade"];

        Assert.Equal(["direct", "forwarder", "facade"], Comparison.Rotate(targets, 0));
        Assert.Equal(["forwarder", "facade", "direct"], Comparison.Rotate(targets, 1));
        Assert.Equal(["facade", "direct", "forwarder"], Comparison.Rotate(targets, 2));
        Assert.Equal(["direct", "forwarder", "facade"], Comparison.Rotate(targets, 3));
    }

    [Fact]
    public void BenchmarkDotNetReportsAreReadPerCase()
    {
        const string json = """
            {"Title":"x","Benchmarks":[
              {"Method":"SelectRole","MethodTitle":"'Find+Order role'","Parameters":"Services=10000","Statistics":{"Mean":120.5,"Median":118.0},"Memory":{"BytesAllocatedPerOperation":56}},
              {"Method":"BuildSnapshot","MethodTitle":"'Build snapshot'","Parameters":"Services=10","Statistics":{"Mean":15818.2,"Median":16990.1}}
            ]}
            """;

        var results = RouteSelection.Parse(json).ToList();

        Assert.Equal(new RoutingResult("Find+Order role", 10_000, 120.5, 118.0, 56), results[0]);
        Assert.Equal(new RoutingResult("Build snapshot", 10, 15818.2, 16990.1, null), results[1]);
    }

    [Fact]
    public void TheSummaryTableHasARowPerNumberToReach()
    {
        var results = new BenchResults
        {
            Timestamp = "20260101-000000",
            Mode = "quick",
            Gc = "as-built",
            Machine = new MachineInfo(2, "cpu", 1L << 34, "linux", ".NET 10", "10.0.100", "abc", false),
            Latency = new ComparisonResult
            {
                Description = "d",
                Concurrency = 1,
                AddedP50 = { ["forwarder"] = RoundAggregate.Of([0.12]), ["facade"] = RoundAggregate.Of([0.18]) },
                AddedP99 = { ["forwarder"] = RoundAggregate.Of([1.0]), ["facade"] = RoundAggregate.Of([1.5]) },
            },
        };
        results.Verdicts = Verdicts.Evaluate(results);

        var markdown = MarkdownReport.Render(results);

        Assert.Equal(8, results.Verdicts.Count);
        Assert.Equal(Verdicts.AimMet, results.Verdicts[0].Status);
        Assert.Equal(Verdicts.MustMet, results.Verdicts[1].Status);
        Assert.Equal(Verdicts.NotMeasured, results.Verdicts[2].Status);
        Assert.Contains("| Added latency per request, one at a time, p50 | 0.180 ms (bare forwarder 0.120 ms) | ≤ 0.4 ms | ≤ 0.2 ms | pass (aim met) |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTimeToFirstTokenVerdictJudgesThePooledP99()
    {
        // The facade's first round is fast and its second slow: the median of the rounds' added p99 (1.3 ms) would
        // pass, the p99 of all its samples against all direct samples (2.0 ms) does not.
        Target[] targets = [Target("direct", 1), Target("forwarder", 2), Target("facade", 3)];
        var round = 0;
        var ttft = await Comparison.RunAsync("d", targets, rounds: 2, concurrency: 1, firstContent: true, Comparison.InBlocks(target =>
        {
            var ms = target.Name switch
            {
                "direct" => 20.0,
                "forwarder" => 20.4,
                _ => round++ == 0 ? 20.6 : 22.0,
            };
            var samples = new LatencySamples();
            for (var i = 0; i < 100; i++)
            {
                samples.Add(ms);
            }

            return Task.FromResult(new LoadResult(new LatencySamples(), samples, 0, 0, null, 1));
        }), _ => { });
        var results = new BenchResults
        {
            Timestamp = "20260101-000000",
            Mode = "quick",
            Gc = "as-built",
            Machine = new MachineInfo(2, "cpu", 1L << 34, "linux", ".NET 10", "10.0.100", "abc", false),
            Ttft = ttft,
        };
        results.Verdicts = Verdicts.Evaluate(results);

        Assert.Equal(1.3, ttft.AddedP99["facade"].Median, 9);
        Assert.Equal(2.0, ttft.PooledAddedP99["facade"], 9);
        Assert.Equal(0.4, ttft.PooledAddedP99["forwarder"], 9);
        Assert.Equal(Verdicts.Fail, results.Verdicts[2].Status);
        Assert.Contains("2.000 ms (bare forwarder 0.400 ms; pooled over rounds)", results.Verdicts[2].Measured, StringComparison.Ordinal);
    }

    private static Target Target(string name, int port) =>
        new(name, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port), [], Streaming: true);
}
