using System.ClientModel;
using System.Text;
using OpenAI.Chat;

namespace GenieHive.Tests.Compat;

/// <summary>
/// Every error the facade answers surfaces in the OpenAI SDK as its own <see cref="ClientResultException"/>, with
/// the HTTP status and the message of OpenAI's error shape (SDK retries are off here, so each test sees one answer).
/// </summary>
[Collection(SimulatedClusterCollection.Name)]
public sealed class ErrorCompatTests(SimulatedCluster fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AWrongKeyIsA401OnEveryEndpoint()
    {
        var client = fixture.Cluster.OpenAi(key: "not-the-key");
        using var audio = new MemoryStream(Audio.Wav());

        var errors = new[]
        {
            await CatchAsync(() => client.GetChatClient(SimulatedCluster.ChatRole).CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct)),
            await CatchAsync(() => Sse.CollectAsync(client.GetChatClient(SimulatedCluster.ChatRole).CompleteChatStreamingAsync([new UserChatMessage("hi")], cancellationToken: Ct))),
            await CatchAsync(() => client.GetEmbeddingClient(SimulatedCluster.EmbeddingModel).GenerateEmbeddingAsync("hi", cancellationToken: Ct)),
            await CatchAsync(() => client.GetAudioClient(SimulatedCluster.TranscriptionModel).TranscribeAudioAsync(audio, "a.wav", cancellationToken: Ct)),
            await CatchAsync(() => client.GetOpenAIModelClient().GetModelsAsync(Ct)),
        };

        Assert.All(errors, e => Assert.Equal(401, e.Status));
        Assert.All(errors, e => Assert.Contains("invalid_api_key", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task MalformedJsonSentThroughTheSdkIsA400()
    {
        var chat = fixture.Cluster.OpenAi().GetChatClient(SimulatedCluster.ChatModel);

        var error = await CatchAsync(() => chat.CompleteChatAsync(BinaryContent.Create(BinaryData.FromString("""{"model":"sim-chat","messages":[""")), null));

        Assert.Equal(400, error.Status);
        Assert.Contains("invalid_request_error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AChatWithoutMessagesIsA400NamingTheParameter()
    {
        var chat = fixture.Cluster.OpenAi().GetChatClient(SimulatedCluster.ChatModel);

        var error = await CatchAsync(() => chat.CompleteChatAsync(BinaryContent.Create(BinaryData.FromString("""{"model":"sim-chat"}""")), null));

        Assert.Equal(400, error.Status);
        Assert.Contains("messages", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownModelIsA404OnEveryEndpoint()
    {
        var client = fixture.Cluster.OpenAi();
        using var audio = new MemoryStream(Audio.Wav());

        var errors = new[]
        {
            await CatchAsync(() => client.GetChatClient("nobody").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct)),
            await CatchAsync(() => Sse.CollectAsync(client.GetChatClient("nobody").CompleteChatStreamingAsync([new UserChatMessage("hi")], cancellationToken: Ct))),
            await CatchAsync(() => client.GetEmbeddingClient("nobody").GenerateEmbeddingAsync("hi", cancellationToken: Ct)),
            await CatchAsync(() => client.GetAudioClient("nobody").TranscribeAudioAsync(audio, "a.wav", cancellationToken: Ct)),
            // A chat model is not an embedding model: the kind is part of the name's meaning.
            await CatchAsync(() => client.GetEmbeddingClient(SimulatedCluster.ChatModel).GenerateEmbeddingAsync("hi", cancellationToken: Ct)),
        };

        Assert.All(errors, e => Assert.Equal(404, e.Status));
        Assert.All(errors, e => Assert.Contains("model_not_found", e.Message, StringComparison.Ordinal));
        Assert.Contains("Unknown model or role 'nobody'.", errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOversizedTranscriptionIsA413()
    {
        var audio = fixture.Cluster.OpenAi().GetAudioClient(SimulatedCluster.TranscriptionModel);
        using var file = new MemoryStream(new byte[SimulatedCluster.MaxTranscriptionBytes + (64 * 1024)]);

        var error = await CatchAsync(() => audio.TranscribeAudioAsync(file, "big.wav", cancellationToken: Ct));

        Assert.Equal(413, error.Status);
        Assert.Contains("request_too_large", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARoleWithNoHealthyTargetIsA503ForJsonAndStream()
    {
        var chat = fixture.Cluster.OpenAi().GetChatClient(SimulatedCluster.UnservableRole);

        var json = await CatchAsync(() => chat.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));
        var stream = await CatchAsync(() => Sse.CollectAsync(chat.CompleteChatStreamingAsync([new UserChatMessage("hi")], cancellationToken: Ct)));

        Assert.Equal(503, json.Status);
        Assert.Equal(503, stream.Status);
        Assert.Contains("No healthy chat target available for 'archivist'.", json.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADeadUpstreamIsA502()
    {
        var chat = fixture.Cluster.OpenAi().GetChatClient(SimulatedCluster.DeadModel);

        var error = await CatchAsync(() => chat.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));

        Assert.Equal(502, error.Status);
        Assert.Contains("upstream_unreachable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheEnginesContextSizeErrorKeepsItsStatusAndMessage()
    {
        var chat = fixture.Cluster.OpenAi().GetChatClient(SimulatedCluster.ChatModel);
        var prompt = LongPrompt(SimulatedCluster.EngineContextSize * 2);

        var json = await CatchAsync(() => chat.CompleteChatAsync([new UserChatMessage(prompt)], cancellationToken: Ct));
        var stream = await CatchAsync(() => Sse.CollectAsync(chat.CompleteChatStreamingAsync([new UserChatMessage(prompt)], cancellationToken: Ct)));

        Assert.Equal(400, json.Status);
        Assert.Equal(400, stream.Status);
        Assert.Contains("exceeds the available context size", json.Message, StringComparison.Ordinal);
        Assert.Contains("exceeds the available context size", stream.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorsCarryTheRequestIdTheClientCanQuote()
    {
        var chat = fixture.Cluster.OpenAi().GetChatClient("nobody");

        var error = await CatchAsync(() => chat.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));

        Assert.True(error.GetRawResponse()!.Headers.TryGetValue("X-Request-Id", out var id) && id!.StartsWith("req_", StringComparison.Ordinal));
    }

    internal static string LongPrompt(int words)
    {
        var text = new StringBuilder();
        for (var i = 0; i < words; i++)
        {
            text.Append("word").Append(i % 97).Append(' ');
        }

        return text.ToString();
    }

    private static async Task<ClientResultException> CatchAsync(Func<Task> call) =>
        await Assert.ThrowsAsync<ClientResultException>(() => call().WaitAsync(Bound, Ct));
}
