using System.Net;
using System.Text.Json.Nodes;
using OpenAI.Chat;

namespace GenieHive.Tests.Compat;

/// <summary>Chat completions through the facade with the official OpenAI .NET SDK (<see cref="ChatClient"/>).</summary>
[Collection(SimulatedClusterCollection.Name)]
public sealed class ChatCompatTests(SimulatedCluster fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ChatThroughARoleAnswersWithContentUsageAndFinishReason()
    {
        var capture = new RequestCapture();
        var chat = fixture.Cluster.OpenAi(capture: capture).GetChatClient(SimulatedCluster.ChatRole);

        var result = await chat.CompleteChatAsync([new UserChatMessage("hello there")], new ChatCompletionOptions { MaxOutputTokenCount = 6 }, Ct)
            .WaitAsync(Bound, Ct);

        ChatCompletion completion = result;
        Assert.False(string.IsNullOrWhiteSpace(completion.Content[0].Text));
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(6, completion.Usage.OutputTokenCount);
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.Equal(6, capture.Last["max_completion_tokens"]!.GetValue<int>());
        Assert.True(result.GetRawResponse().Headers.TryGetValue("X-Request-Id", out var requestId) && !string.IsNullOrEmpty(requestId));
    }

    [Fact]
    public async Task ChatByAssetIdAnswersWithoutALengthLimitAsStop()
    {
        var chat = fixture.Cluster.OpenAi().GetChatClient(SimulatedCluster.ChatModel);

        ChatCompletion completion = await chat.CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("hi")], cancellationToken: Ct).WaitAsync(Bound, Ct);

        Assert.False(string.IsNullOrWhiteSpace(completion.Content[0].Text));
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.True(completion.Usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task StreamedChatArrivesInSeveralUpdatesEndingWithTheUsageTheSdkAskedFor()
    {
        var capture = new RequestCapture();
        var chat = fixture.Cluster.OpenAi(capture: capture).GetChatClient(SimulatedCluster.ChatRole);

        var updates = await Sse.CollectAsync(chat.CompleteChatStreamingAsync(
            [new UserChatMessage("tell me a story")], new ChatCompletionOptions { MaxOutputTokenCount = 8 }, Ct)).WaitAsync(Bound, Ct);

        // The SDK asks for the usage chunk by itself; the facade and the engine must honour it.
        Assert.True(capture.Last["stream"]!.GetValue<bool>());
        Assert.True(capture.Last["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.True(updates.Count(u => u.ContentUpdate.Count > 0) >= 2, "expected several content updates, got " + updates.Count);
        Assert.False(string.IsNullOrWhiteSpace(string.Concat(updates.SelectMany(u => u.ContentUpdate).Select(p => p.Text))));
        Assert.Contains(updates, u => u.FinishReason == ChatFinishReason.Length);
        var usage = updates.Last(u => u.Usage is not null).Usage;
        Assert.Equal(8, usage.OutputTokenCount);
        Assert.True(usage.InputTokenCount > 0);
    }

    [Fact]
    public async Task StreamedChatOnTheWireCarriesUsageOnlyWhenAskedAndEndsWithDone()
    {
        const string Without = """{"model":"sim-chat","messages":[{"role":"user","content":"hi"}],"max_tokens":3,"stream":true}""";
        const string With = """{"model":"sim-chat","messages":[{"role":"user","content":"hi"}],"max_tokens":3,"stream":true,"stream_options":{"include_usage":true}}""";

        var plain = await PostSseAsync(Without);
        var withUsage = await PostSseAsync(With);

        Assert.DoesNotContain(plain, e => e.Contains("\"usage\"", StringComparison.Ordinal));
        Assert.Equal("[DONE]", plain[^1]);
        var usageEvent = JsonNode.Parse(withUsage[^2])!;
        Assert.Empty(usageEvent["choices"]!.AsArray());
        Assert.Equal(3, usageEvent["usage"]!["completion_tokens"]!.GetValue<int>());
        Assert.Equal("[DONE]", withUsage[^1]);
    }

    /// <summary>POSTs a streaming request and returns the <c>data:</c> payloads of its events.</summary>
    private async Task<List<string>> PostSseAsync(string json)
    {
        using var response = await fixture.Cluster.FacadeClient.PostAsync("/v1/chat/completions", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct)
            .WaitAsync(Bound, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(Ct).WaitAsync(Bound, Ct);
        return Sse.DataOf(text);
    }
}
