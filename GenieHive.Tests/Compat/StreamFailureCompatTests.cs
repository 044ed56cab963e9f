using System.ClientModel;
using System.Text;
using Microsoft.Extensions.AI;
using OpenAI.Chat;

namespace GenieHive.Tests.Compat;

/// <summary>
/// Streams that break or are abandoned: an upstream failure after the first byte must make the SDK throw (never a
/// silent, truncated success), and a client that stops reading must cancel the engine's generation.
/// </summary>
[Collection(PacedClusterCollection.Name)]
public sealed class StreamFailureCompatTests(PacedCluster fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => new(fixture.Engine.ResetAsync());

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task AnUpstreamDropMidStreamMakesTheOpenAiSdkThrowAfterTheFirstUpdates()
    {
        await fixture.Engine.SetFaultAsync("""{"mode":"drop_mid_stream","after_chunks":4,"count":1}""");
        var chat = fixture.Cluster.OpenAi().GetChatClient(PacedCluster.Model);
        var updates = new List<StreamingChatCompletionUpdate>();

        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("go on")], new ChatCompletionOptions { MaxOutputTokenCount = 40 }, Ct))
            {
                updates.Add(update);
            }
        }).WaitAsync(Bound, Ct);

        // "The response ended prematurely": the incomplete chunked body, not the error event, is what this SDK notices.
        Assert.Equal(HttpRequestError.ResponseEnded, Assert.IsType<HttpIOException>(error).HttpRequestError);
        Assert.Contains(updates, u => u.ContentUpdate.Count > 0);
        Assert.DoesNotContain(updates, u => u.FinishReason is not null);
    }

    [Fact]
    public async Task AnUpstreamDropMidStreamMakesTheChatClientAbstractionThrow()
    {
        await fixture.Engine.SetFaultAsync("""{"mode":"drop_mid_stream","after_chunks":4,"count":1}""");
        IChatClient client = fixture.Cluster.OpenAi().GetChatClient(PacedCluster.Model).AsIChatClient();
        var texts = new List<string>();

        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("go on", new ChatOptions { MaxOutputTokens = 40 }, Ct))
            {
                texts.Add(update.Text);
            }
        }).WaitAsync(Bound, Ct);

        Assert.Equal(HttpRequestError.ResponseEnded, Assert.IsType<HttpIOException>(error).HttpRequestError);
        Assert.Contains(texts, t => t.Length > 0);
    }

    [Fact]
    public async Task AnUpstreamDropMidStreamEndsTheWireStreamWithAnErrorEventAndNoDone()
    {
        await fixture.Engine.SetFaultAsync("""{"mode":"drop_mid_stream","after_chunks":4,"count":1}""");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"paced-chat","messages":[{"role":"user","content":"go on"}],"max_tokens":40,"stream":true}""", Encoding.UTF8, "application/json"),
        };
        using var response = await fixture.Cluster.FacadeClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct).WaitAsync(Bound, Ct);
        await using var body = await response.Content.ReadAsStreamAsync(Ct);
        var received = new MemoryStream();

        var ended = await ReadUntilEndAsync(body, received).WaitAsync(Bound, Ct);

        var text = Encoding.UTF8.GetString(received.ToArray());
        var events = Sse.DataOf(text);
        Assert.Contains("upstream_stream_interrupted", events[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", events);
        // Clients that ignore the error event still learn that the body is incomplete.
        Assert.Equal(HttpRequestError.ResponseEnded, Assert.IsType<HttpIOException>(ended).HttpRequestError);
    }

    [Fact]
    public async Task AJsonAnswerDroppedBeforeItsBodyIsA502()
    {
        await fixture.Engine.SetFaultAsync("""{"mode":"drop_mid_stream","count":1}""");
        var chat = fixture.Cluster.OpenAi().GetChatClient(PacedCluster.SpareModel);

        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            chat.CompleteChatAsync([new UserChatMessage("hi")], new ChatCompletionOptions { MaxOutputTokenCount = 3 }, Ct).WaitAsync(Bound, Ct));

        Assert.Equal(502, error.Status);
    }

    [Fact]
    public async Task CancellingMidStreamCancelsTheEnginesGeneration()
    {
        var chat = fixture.Cluster.OpenAi().GetChatClient(PacedCluster.Model);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var contentUpdates = 0;

        // 400 tokens at 40/s would take ten seconds: the engine is mid-generation when the client gives up.
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("a long story")], new ChatCompletionOptions { MaxOutputTokenCount = 400 }, cts.Token))
            {
                if (update.ContentUpdate.Count > 0 && ++contentUpdates == 2)
                {
                    await cts.CancelAsync();
                }
            }
        }).WaitAsync(Bound, Ct);

        var stats = await fixture.Engine.WaitForStatsAsync(s => s.GetProperty("cancelled").GetInt64() >= 1 && s.GetProperty("processing").GetInt32() == 0);
        Assert.Equal(1, stats.GetProperty("cancelled").GetInt64());
        Assert.Equal(0, stats.GetProperty("completed").GetInt64());
        Assert.Equal(0, stats.GetProperty("processing").GetInt32());
        Assert.NotNull(error);
    }

    /// <summary>Reads a body to its end; returns the exception that ended it, or null for a clean end.</summary>
    private static async Task<Exception?> ReadUntilEndAsync(Stream body, MemoryStream into)
    {
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, Ct)) > 0)
            {
                into.Write(buffer, 0, read);
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return ex;
        }
    }
}
