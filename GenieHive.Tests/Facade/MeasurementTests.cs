using GenieHive.Facade.Observations;
using GenieHive.Facade.Proxy;
using Microsoft.Extensions.Time.Testing;

namespace GenieHive.Tests.Facade;

public sealed class MeasurementTests
{
    [Fact]
    public void PercentilesInterpolateBetweenRanks()
    {
        double[] sorted = [10, 20, 30, 40];

        Assert.Equal(25, Percentiles.Of(sorted, 0.5));
        Assert.Equal(38.5, Percentiles.Of(sorted, 0.95)!.Value, 6);
        Assert.Equal(10, Percentiles.Of(sorted, 0));
        Assert.Equal(40, Percentiles.Of(sorted, 1));
        Assert.Null(Percentiles.Of([], 0.5));
    }

    [Fact]
    public void TheWindowKeepsOnlyTheMostRecentRequests()
    {
        var stats = new ServiceStats("s", windowSize: 4);
        for (var i = 1; i <= 10; i++)
        {
            stats.Record(completedAt: 100, latencyMs: i * 10, ttftMs: double.NaN, tokensPerSec: double.NaN, failed: false);
        }

        var figures = stats.Summarize(now: 100, windowSeconds: 300);

        Assert.Equal(4, figures.Requests);
        Assert.Equal(85, figures.P50LatencyMs);
        Assert.Null(figures.TtftMs);
    }

    [Fact]
    public void TheWindowDropsOldRequestsAndCountsErrorsApart()
    {
        var stats = new ServiceStats("s", windowSize: 16);
        stats.Record(completedAt: 0, latencyMs: 1000, ttftMs: 5, tokensPerSec: 1, failed: false);
        stats.Record(completedAt: 400, latencyMs: 10, ttftMs: 2, tokensPerSec: 50, failed: false);
        stats.Record(completedAt: 401, latencyMs: 20, ttftMs: 4, tokensPerSec: 70, failed: false);
        stats.Record(completedAt: 402, latencyMs: 9999, ttftMs: double.NaN, tokensPerSec: double.NaN, failed: true);

        var figures = stats.Summarize(now: 402, windowSeconds: 300);

        Assert.Equal(3, figures.Requests);
        Assert.Equal(1, figures.Errors);
        Assert.Equal(15, figures.P50LatencyMs);
        Assert.Equal(3, figures.TtftMs);
        Assert.Equal(60, figures.TokensPerSec);
    }

    [Fact]
    public void CooldownsDoubleUpToTheMaximumAndResetOnSuccess()
    {
        var stats = new ServiceStats("s", 8);

        Assert.Equal(2, stats.CoolDown(1000, "x", baseSeconds: 2, maxSeconds: 7));
        Assert.Equal(4, stats.CoolDown(1000, "x", 2, 7));
        Assert.Equal(7, stats.CoolDown(1000, "x", 2, 7));
        Assert.Equal(1007, stats.CooldownUntil);
        Assert.Equal(3, stats.Summarize(1000, 300).ConsecutiveFailures);

        stats.Succeeded();

        Assert.Null(stats.CooldownUntil);
        Assert.Equal(0, stats.Summarize(1000, 300).ConsecutiveFailures);
    }

    [Fact]
    public void UsageAndContentAreFoundInBytes()
    {
        Assert.Equal(42, ResponseScanner.FindCompletionTokens("""{"usage":{"prompt_tokens":3, "completion_tokens" : 42}}"""u8));
        Assert.Null(ResponseScanner.FindCompletionTokens("""{"usage":null}"""u8));
        Assert.True(ResponseScanner.HasContent("""data: {"choices":[{"delta":{"content":"x"}}]}"""u8));
        Assert.True(ResponseScanner.HasContent("""data: {"choices":[{"text": "x"}]}"""u8));
        Assert.True(ResponseScanner.HasContent("""data: {"choices":[{"delta":{"reasoning_content":"x"}}]}"""u8));
        Assert.False(ResponseScanner.HasContent("""data: {"choices":[{"delta":{"role":"assistant","content":null}}]}"""u8));
        Assert.False(ResponseScanner.HasContent("""data: {"choices":[{"delta":{"content":""}}]}"""u8));

        // The native protocols' words: Anthropic Messages and OpenAI Responses, passed through from engines that speak them.
        Assert.Equal(7, ResponseScanner.FindPromptTokens("""{"type":"message_start","message":{"content":[],"usage":{"input_tokens":7,"output_tokens":1}}}"""u8));
        Assert.Equal(12, ResponseScanner.FindCompletionTokens("""{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":12}}"""u8));
        Assert.Equal(5, ResponseScanner.FindPromptTokens("""{"usage":{"input_tokens":5,"input_tokens_details":{"cached_tokens":0},"output_tokens":9}}"""u8));
        Assert.Equal(9, ResponseScanner.FindCompletionTokens("""{"usage":{"input_tokens":5,"input_tokens_details":{"cached_tokens":0},"output_tokens":9}}"""u8));
        Assert.True(ResponseScanner.HasContent("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"""u8));
        Assert.True(ResponseScanner.HasContent("""{"type":"response.output_text.delta","item_id":"m1","output_index":0,"delta":"Hi"}"""u8));
        Assert.False(ResponseScanner.HasContent("""{"type":"message_start","message":{"content":[]}}"""u8));
        Assert.False(ResponseScanner.HasContent("""data: {"choices":[{"delta":{},"finish_reason":"stop"}]}"""u8));
    }

    [Fact]
    public void AJsonAnswerHasNoTimeToFirstTokenAndReportsTheEnginesOwnTokenRate()
    {
        var time = new FakeTimeProvider();
        var meter = new RequestMeter(time.GetTimestamp());
        time.Advance(TimeSpan.FromSeconds(2));
        meter.OnBytes(time.GetTimestamp());
        meter.OnBody("""{"usage":{"completion_tokens":40},"timings":{"predicted_n":40,"predicted_per_second": 31.25}}"""u8);

        // The first byte of a JSON answer arrives when the generation is over: that is latency, not TTFT.
        Assert.True(double.IsNaN(meter.TtftMs(time)));
        Assert.Equal(31.25, meter.TokensPerSecond(time, time.GetTimestamp()));
    }

    [Fact]
    public void AJsonAnswerWithoutEngineTimingsRatesCompletionTokensOverTheWholeLatency()
    {
        var time = new FakeTimeProvider();
        var meter = new RequestMeter(time.GetTimestamp());
        time.Advance(TimeSpan.FromSeconds(2));
        meter.OnBytes(time.GetTimestamp());
        // An engine that measured no time reports a rate of 0: no figure, not a real zero.
        meter.OnBody("""{"usage":{"completion_tokens":40},"timings":{"predicted_per_second":0}}"""u8);

        Assert.True(double.IsNaN(meter.TtftMs(time)));
        Assert.Equal(20, meter.TokensPerSecond(time, time.GetTimestamp()));
    }

    [Fact]
    public void AStreamedAnswerMeasuresTimeToFirstTokenAndTheRateAfterIt()
    {
        var time = new FakeTimeProvider();
        var meter = new RequestMeter(time.GetTimestamp()) { Streamed = true };
        time.Advance(TimeSpan.FromMilliseconds(100));
        meter.OnSseEvent("""data: {"choices":[{"delta":{"role":"assistant","content":null}}]}"""u8, time.GetTimestamp());
        time.Advance(TimeSpan.FromMilliseconds(150));
        meter.OnSseEvent("""data: {"choices":[{"delta":{"content":"a"}}]}"""u8, time.GetTimestamp());
        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            meter.OnSseEvent("""data: {"choices":[{"delta":{"content":"b"}}]}"""u8, time.GetTimestamp());
        }

        Assert.Equal(250, meter.TtftMs(time));
        Assert.Equal(10, meter.TokensPerSecond(time, time.GetTimestamp()), 6);
    }

    [Fact]
    public void TheEnginesTokenRateIsFoundOnlyAsAPositiveNumber()
    {
        Assert.Equal(12.5, ResponseScanner.FindPredictedPerSecond("""{"timings":{"predicted_per_second" : 12.5}}"""u8));
        Assert.Null(ResponseScanner.FindPredictedPerSecond("""{"timings":{"predicted_per_second":0}}"""u8));
        Assert.Null(ResponseScanner.FindPredictedPerSecond("""{"timings":{"predicted_per_second":null}}"""u8));
        Assert.Null(ResponseScanner.FindPredictedPerSecond("""{"usage":{"completion_tokens":3}}"""u8));
    }
}
