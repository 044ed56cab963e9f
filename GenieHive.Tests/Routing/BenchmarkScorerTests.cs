using System.Text.Json.Nodes;
using GenieHive.Routing.Scoring;
using static GenieHive.Tests.Routing.RoutingTables;

namespace GenieHive.Tests.Routing;

public sealed class BenchmarkScorerTests
{
    private static JsonObject Results(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void QualityMatchesTheReferenceWorkedExample()
    {
        // 0.65 × 0.9 + 0.35 × (30/80 + 0.40) = 0.585 + 0.27125
        Assert.Equal(0.85625, QualityScorer.Score(Results("""{"quality_score":0.9,"tokens_per_sec":30,"ttft_ms":900}""")), 12);
        Assert.Equal(0.856, Math.Round(QualityScorer.Score(Results("""{"quality_score":0.9,"tokens_per_sec":30,"ttft_ms":900}""")), 3));
    }

    [Fact]
    public void QualityReadsNumbersBuiltInCode()
    {
        var results = new JsonObject { ["quality_score"] = 0.9, ["tokens_per_sec"] = 30, ["ttft_ms"] = 900L };

        Assert.Equal(0.85625, QualityScorer.Score(results), 12);
    }

    [Theory]
    [InlineData(0.0, 0.50)]
    [InlineData(500.0, 0.50)]
    [InlineData(501.0, 0.40)]
    [InlineData(1000.0, 0.40)]
    [InlineData(1001.0, 0.25)]
    [InlineData(2500.0, 0.25)]
    [InlineData(2501.0, 0.10)]
    public void TimeToFirstTokenBands(double ttft, double expected)
    {
        Assert.Equal(expected, QualityScorer.TtftPoints(ttft));
        Assert.Equal(expected, QualityScorer.Score(new JsonObject { ["ttft_ms"] = ttft }), 12);
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(20.0, 0.25)]
    [InlineData(40.0, 0.50)]
    [InlineData(200.0, 0.50)]
    public void ThroughputCountsUpToHalf(double tokensPerSec, double expected)
    {
        Assert.Equal(expected, QualityScorer.Score(new JsonObject { ["tokens_per_sec"] = tokensPerSec }), 12);
    }

    [Fact]
    public void SpeedIsCappedAtOne()
    {
        Assert.Equal(1.0, QualityScorer.Score(Results("""{"tokens_per_sec":100,"ttft_ms":100}""")), 12);
    }

    [Fact]
    public void CorrectnessIsTheBestMetricClampedToOne()
    {
        // max(pass_rate 0.7, tool_success_rate 0.8) = 0.8; no speed → 0.65 × 0.8
        Assert.Equal(0.52, QualityScorer.Score(Results("""{"pass_rate":0.7,"tool_success_rate":0.8}""")), 12);
        Assert.Equal(0.65, QualityScorer.Score(Results("""{"terminal_accuracy":1.7}""")), 12);
        Assert.Equal(0.0, QualityScorer.Score(Results("""{"completion_rate":-2}""")), 12);
        Assert.Equal(0.65 * 0.6, QualityScorer.Score(Results("""{"terminal_tool_completion_rate":0.6,"quality_score":"high"}""")), 12);
    }

    [Fact]
    public void EmptyOrUnknownResultsScoreZero()
    {
        Assert.Equal(0, QualityScorer.Score(new JsonObject()));
        Assert.Equal(0, QualityScorer.Score(null));
        Assert.Equal(0, QualityScorer.Score(Results("""{"notes":"fine"}""")));
    }

    [Fact]
    public void WorkloadOverlapIsJaccardOverWordTokens()
    {
        var query = BenchmarkQuery.Create([], ["code review"]);
        var sample = new ScoredSample("python code review", 0.5);

        // {code, review} vs {python, code, review}: 2 / 3
        Assert.Equal(2.0 / 3.0, BenchmarkScorer.WorkloadOverlap(query, sample), 12);
    }

    [Fact]
    public void AnExactWorkloadOverlapsFully()
    {
        var query = BenchmarkQuery.Create(["something else"], ["chat-short"]);

        Assert.Equal(1.0, BenchmarkScorer.WorkloadOverlap(query, new ScoredSample("chat-short", 0.5)));
    }

    [Fact]
    public void BenchmarkScoreIsFortyFivePercentOverlapAndFiftyFivePercentQuality()
    {
        var samples = new[] { new ScoredSample("python code review", 0.8), new ScoredSample("summarize news", 0.9) };
        var result = BenchmarkScorer.Score(samples, BenchmarkQuery.Create([], ["code review"]));

        Assert.Equal(1, result.MatchCount);
        Assert.Equal(2.0 / 3.0, result.BestOverlap, 12);
        Assert.Equal(0.8, result.BestQuality);
        Assert.Equal((0.45 * 2.0 / 3.0) + (0.55 * 0.8), result.Score, 12);
    }

    [Fact]
    public void BestOverlapAndBestQualityMayComeFromDifferentSamples()
    {
        var samples = new[] { new ScoredSample("code review", 0.2), new ScoredSample("code generation", 0.9) };
        var result = BenchmarkScorer.Score(samples, BenchmarkQuery.Create(["code review"], []));

        Assert.Equal(2, result.MatchCount);
        Assert.Equal(1.0, result.BestOverlap, 12);
        Assert.Equal(0.45 + (0.55 * 0.9), result.Score, 12);
    }

    [Fact]
    public void ScoreIsCappedAtOne()
    {
        var result = BenchmarkScorer.Score([new ScoredSample("x", 1.0)], BenchmarkQuery.Create([], ["x"]));

        Assert.Equal(1.0, result.Score);
    }

    [Fact]
    public void NoMatchingSampleScoresZero()
    {
        var result = BenchmarkScorer.Score([new ScoredSample("translation", 0.9)], BenchmarkQuery.Create(["code"], []));

        Assert.Equal(0, result.Score);
        Assert.Equal(0, result.MatchCount);
        Assert.Null(result.BestQuality);
    }

    [Fact]
    public void AnEmptyQueryMatchesEverySampleWithOverlapZero()
    {
        var result = BenchmarkScorer.Score([new ScoredSample("a", 0.4), new ScoredSample("b", 0.6)], BenchmarkQuery.Empty);

        Assert.Equal(2, result.MatchCount);
        Assert.Equal(0, result.BestOverlap);
        Assert.Equal(0.55 * 0.6, result.Score, 12);
    }

    [Fact]
    public void SamplesAreScoredFromTheirResults()
    {
        var result = BenchmarkScorer.Score(
            [Sample("s", "chat", Results("""{"quality_score":0.9,"tokens_per_sec":30,"ttft_ms":900}"""))],
            BenchmarkQuery.Empty);

        Assert.Equal(0.55 * 0.85625, result.Score, 12);
    }
}
