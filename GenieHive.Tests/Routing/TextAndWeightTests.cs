using GenieHive.Routing.Scoring;

namespace GenieHive.Tests.Routing;

public sealed class TextAndWeightTests
{
    [Fact]
    public void TokensAreLowerCaseAlphanumericRuns()
    {
        Assert.True(TextTokens.Of("Qwen3.5-9B").SetEquals(["qwen3", "5", "9b"]));
        Assert.True(TextTokens.Of("  Hello,  WORLD!! 42 ", null, "").SetEquals(["hello", "world", "42"]));
        Assert.Empty(TextTokens.Of("--- ..."));
    }

    [Fact]
    public void TextOverlapIsQueryCoverage()
    {
        var query = TextTokens.Of("a b c d");

        Assert.Equal(0.5, TextTokens.Coverage(query, TextTokens.Of("a b x y z")));
        Assert.Equal(1.0, TextTokens.Coverage(TextTokens.Of("a"), TextTokens.Of("a b c")));
        Assert.Equal(0, TextTokens.Coverage(TextTokens.Of(""), TextTokens.Of("a")));
        Assert.Equal(0, TextTokens.Coverage(query, TextTokens.Of("")));
    }

    [Fact]
    public void JaccardDividesByTheUnion()
    {
        Assert.Equal(0.25, TextTokens.Jaccard(TextTokens.Of("a b"), TextTokens.Of("b c d")));
        Assert.Equal(0, TextTokens.Jaccard(TextTokens.Of(""), TextTokens.Of("")));
    }

    [Fact]
    public void ServiceScoreWeighsTextRuntimeAndBenchmarkTwentyFortyFiveThirtyFive()
    {
        Assert.Equal(0.20, CandidateScorer.ServiceScore(1, 0, 0), 12);
        Assert.Equal(0.45, CandidateScorer.ServiceScore(0, 1, 0), 12);
        Assert.Equal(0.35, CandidateScorer.ServiceScore(0, 0, 1), 12);
        Assert.Equal(0.1 + 0.18 + 0.07, CandidateScorer.ServiceScore(0.5, 0.4, 0.2), 12);
        Assert.Equal(1.0, CandidateScorer.ServiceScore(1, 1, 1), 12);
    }

    [Fact]
    public void RoleScoreWeighsTextRuntimeBenchmarkAndFamilyThirtyThirtyTwentyFiveFifteen()
    {
        Assert.Equal(0.30, CandidateScorer.RoleScore(1, 0, 0, 0), 12);
        Assert.Equal(0.30, CandidateScorer.RoleScore(0, 1, 0, 0), 12);
        Assert.Equal(0.25, CandidateScorer.RoleScore(0, 0, 1, 0), 12);
        Assert.Equal(0.15, CandidateScorer.RoleScore(0, 0, 0, 1), 12);
        Assert.Equal(0.15 + 0.12 + 0.05 + 0.15, CandidateScorer.RoleScore(0.5, 0.4, 0.2, 1), 12);
        Assert.Equal(1.0, CandidateScorer.RoleScore(1, 1, 1, 1), 12);
    }

    [Fact]
    public void DisplayedFiguresRoundToFourDecimals()
    {
        Assert.Equal(0.1235, CandidateScorer.Round4(0.12345678));
        Assert.Equal(0.3333, CandidateScorer.Round4(1.0 / 3.0));
    }
}
