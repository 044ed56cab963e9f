using GenieHive.NodeAgent.Discovery;

namespace GenieHive.Tests.NodeAgent;

public sealed class PrometheusTextTests
{
    [Fact]
    public void CommentsAndBlankLinesAreSkipped()
    {
        var samples = PrometheusText.Parse("# HELP x Something\n# TYPE x gauge\n\n   \nx 3\n");

        var sample = Assert.Single(samples);
        Assert.Equal("x", sample.Name);
        Assert.Empty(sample.Labels);
        Assert.Equal(3, sample.Value);
    }

    [Fact]
    public void LabelsAreReadIncludingEscapedQuotesCommasAndBraces()
    {
        var samples = PrometheusText.Parse("vllm:num_requests_running{engine=\"0\",model_name=\"a \\\"quoted\\\", {odd} name\\\\x\\n\"} 2.0\n");

        var sample = Assert.Single(samples);
        Assert.Equal("vllm:num_requests_running", sample.Name);
        Assert.Equal("0", sample.Labels["engine"]);
        Assert.Equal("a \"quoted\", {odd} name\\x\n", sample.Labels["model_name"]);
        Assert.Equal(2.0, sample.Value);
    }

    [Fact]
    public void SpecialAndExponentValuesAreParsed()
    {
        var samples = PrometheusText.Parse("a NaN\nb +Inf\nc -Inf\nd 1.5e-02\ne 1E3\nf -0.5 1700000000000\n");

        Assert.True(double.IsNaN(samples[0].Value));
        Assert.Equal(double.PositiveInfinity, samples[1].Value);
        Assert.Equal(double.NegativeInfinity, samples[2].Value);
        Assert.Equal(0.015, samples[3].Value, 10);
        Assert.Equal(1000, samples[4].Value);
        Assert.Equal(-0.5, samples[5].Value);
    }

    [Fact]
    public void MalformedLinesAreSkippedWithoutLosingTheRest()
    {
        var samples = PrometheusText.Parse("good 1\n{nolabelname} 2\nbad{x=\"unterminated} 3\nnovalue\nworse{a=b} 4\nalso_good{le=\"0.5\"} 5\n");

        Assert.Equal(["good", "also_good"], samples.Select(s => s.Name));
        Assert.Equal("0.5", samples[1].Labels["le"]);
    }

    [Fact]
    public void SumAddsEveryLabelSetAndIgnoresNaN()
    {
        var samples = PrometheusText.Parse(EngineShapesForTests.VllmTwoModels);

        Assert.Equal(5, PrometheusText.Sum(samples, "vllm:num_requests_running"));
        Assert.Equal(4, PrometheusText.SumAsCount(samples, "vllm:num_requests_waiting"));
        Assert.Null(PrometheusText.Sum(samples, "vllm:absent"));
    }

    [Fact]
    public void WindowsLineEndingsAndTabsAreAccepted()
    {
        var samples = PrometheusText.Parse("llamacpp:requests_processing\t2\r\nllamacpp:requests_deferred 1\r\n");

        Assert.Equal(2, PrometheusText.SumAsCount(samples, "llamacpp:requests_processing"));
        Assert.Equal(1, PrometheusText.SumAsCount(samples, "llamacpp:requests_deferred"));
    }

    private static class EngineShapesForTests
    {
        public const string VllmTwoModels = """
            # HELP vllm:num_requests_running Number of requests in model execution batches.
            # TYPE vllm:num_requests_running gauge
            vllm:num_requests_running{engine="0",model_name="a"} 2.0
            vllm:num_requests_running{engine="1",model_name="b"} 3.0
            vllm:num_requests_running{engine="2",model_name="c"} NaN
            vllm:num_requests_waiting{engine="0",model_name="a"} 1.0
            vllm:num_requests_waiting{engine="1",model_name="b"} 3.0
            """;
    }
}
