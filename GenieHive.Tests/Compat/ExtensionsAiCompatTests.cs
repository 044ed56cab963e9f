using Microsoft.Extensions.AI;

namespace GenieHive.Tests.Compat;

/// <summary>
/// The facade through <c>Microsoft.Extensions.AI</c> over the OpenAI SDK (<c>AsIChatClient</c>,
/// <c>AsIEmbeddingGenerator</c>, <c>AsISpeechToTextClient</c>), as .NET applications built on the abstractions use it.
/// </summary>
[Collection(SimulatedClusterCollection.Name)]
public sealed class ExtensionsAiCompatTests(SimulatedCluster fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ChatClientAnswersWithTextUsageAndFinishReason()
    {
        IChatClient client = fixture.Cluster.OpenAi().GetChatClient(SimulatedCluster.ChatRole).AsIChatClient();

        var response = await client.GetResponseAsync("hello there", new ChatOptions { MaxOutputTokens = 5 }, Ct).WaitAsync(Bound, Ct);

        Assert.False(string.IsNullOrWhiteSpace(response.Text));
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(5, response.Usage!.OutputTokenCount);
        Assert.True(response.Usage.InputTokenCount > 0);
    }

    [Fact]
    public async Task StreamingChatClientYieldsSeveralUpdatesAndTheUsage()
    {
        IChatClient client = fixture.Cluster.OpenAi().GetChatClient(SimulatedCluster.ChatModel).AsIChatClient();

        var updates = await Sse.CollectAsync(client.GetStreamingResponseAsync("tell me more", new ChatOptions { MaxOutputTokens = 6 }, Ct))
            .WaitAsync(Bound, Ct);

        Assert.True(updates.Count(u => !string.IsNullOrEmpty(u.Text)) >= 2, "expected several text updates, got " + updates.Count);
        var response = updates.ToChatResponse();
        Assert.False(string.IsNullOrWhiteSpace(response.Text));
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(6, response.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task EmbeddingGeneratorHonoursDimensionsForEveryInput()
    {
        IEmbeddingGenerator<string, Embedding<float>> generator = fixture.Cluster.OpenAi().GetEmbeddingClient(SimulatedCluster.EmbeddingRole).AsIEmbeddingGenerator();

        var embeddings = await generator.GenerateAsync(["the cat sat", "on the mat", "quantum flux"], new EmbeddingGenerationOptions { Dimensions = 8 }, Ct)
            .WaitAsync(Bound, Ct);

        Assert.Equal(3, embeddings.Count);
        Assert.All(embeddings, e => Assert.Equal(8, e.Vector.Length));
        Assert.All(embeddings, e => Assert.Equal(1.0, Math.Sqrt(e.Vector.ToArray().Sum(x => (double)x * x)), 3));
        Assert.True(embeddings.Usage?.InputTokenCount > 0);
    }

    [Fact]
    public async Task SpeechToTextClientTranscribesAnUpload()
    {
#pragma warning disable MEAI001 // The speech-to-text abstraction is experimental; users adopt it anyway.
        ISpeechToTextClient client = fixture.Cluster.OpenAi().GetAudioClient(SimulatedCluster.TranscriptionRole).AsISpeechToTextClient();
        using var audio = new MemoryStream(Audio.Wav());

        var response = await client.GetTextAsync(audio, cancellationToken: Ct).WaitAsync(Bound, Ct);
#pragma warning restore MEAI001

        Assert.False(string.IsNullOrWhiteSpace(response.Text));
    }
}
