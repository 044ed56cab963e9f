using GenieHive.Contracts;
using GenieHive.Facade.Observations;
using Microsoft.Extensions.DependencyInjection;
using OpenAI.Chat;

namespace GenieHive.Tests.Compat;

/// <summary>What the facade measures from SDK traffic: the figures it reports to Control for routing.</summary>
[Collection(PacedClusterCollection.Name)]
public sealed class MeasurementCompatTests(PacedCluster fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task JsonAnswersReportTheEnginesTokenRateAndOnlyStreamsReportTimeToFirstToken()
    {
        var chat = fixture.Cluster.OpenAi().GetChatClient(PacedCluster.MeasuredModel);
        var stats = fixture.Cluster.Facade.App.Services.GetRequiredService<ServiceLoadTracker>().Get(PacedCluster.MeasuredService);

        // 12 tokens at the engine's 40 tokens/s: the answer takes about 0.3 s, all of it before the first byte.
        await chat.CompleteChatAsync([new UserChatMessage("count")], new ChatCompletionOptions { MaxOutputTokenCount = 12 }, Ct).WaitAsync(Bound, Ct);
        var afterJson = stats.Summarize(Now, 300);

        Assert.Equal(1, afterJson.Requests);
        Assert.Null(afterJson.TtftMs);
        // The engine's own figure (its timings), not 12 tokens over a latency that includes queueing and the network.
        Assert.InRange(afterJson.TokensPerSec!.Value, 20, 60);

        await Sse.CollectAsync(chat.CompleteChatStreamingAsync([new UserChatMessage("count")], new ChatCompletionOptions { MaxOutputTokenCount = 12 }, Ct))
            .WaitAsync(Bound, Ct);
        var afterStream = stats.Summarize(Now, 300);

        // The streamed request's first token came after the engine's time to first token (5 ms), long before its end.
        Assert.Equal(2, afterStream.Requests);
        Assert.True(afterStream.TtftMs > 0 && afterStream.TtftMs < afterStream.P95LatencyMs, "TTFT " + afterStream.TtftMs + " ms, latency p95 " + afterStream.P95LatencyMs + " ms");
    }

    private static double Now => TimeProvider.System.UnixSeconds();
}
