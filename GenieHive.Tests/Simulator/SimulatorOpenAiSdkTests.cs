using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Audio;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace GenieHive.Tests.Simulator;

/// <summary>The official OpenAI .NET SDK reads every simulator answer (what a real client would do with it).</summary>
public sealed class SimulatorOpenAiSdkTests
{
    [Fact]
    public async Task SdkChatGetsTextUsageAndFinishReason()
    {
        await using var app = SimulatorApp.InMemory();
        var chat = Client(app).GetChatClient("sim-chat");

        var completion = (await chat.CompleteChatAsync([new UserChatMessage("hello there")], new ChatCompletionOptions { MaxOutputTokenCount = 6 }, TestContext.Current.CancellationToken)).Value;

        Assert.Equal(6, completion.Content[0].Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(6, completion.Usage.OutputTokenCount);
        Assert.Equal(2, completion.Usage.InputTokenCount);
    }

    [Fact]
    public async Task SdkStreamingChatGetsEveryTokenAndTheUsage()
    {
        await using var app = SimulatorApp.InMemory();
        var chat = Client(app).GetChatClient("sim-chat");
        var text = new System.Text.StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;

        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("hello there")], new ChatCompletionOptions { MaxOutputTokenCount = 5 }, TestContext.Current.CancellationToken))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal(5, text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.Equal(5, usage?.OutputTokenCount);
    }

    [Fact]
    public async Task SdkEmbeddingsDecodeTheBase64Vectors()
    {
        await using var app = SimulatorApp.InMemory();
        var embeddings = Client(app).GetEmbeddingClient("sim-embed");

        var result = (await embeddings.GenerateEmbeddingsAsync(["the cat sat", "quantum chromodynamics"], new EmbeddingGenerationOptions { Dimensions = 16 }, TestContext.Current.CancellationToken)).Value;

        Assert.Equal(2, result.Count);
        Assert.All(result, e => Assert.Equal(16, e.ToFloats().Length));
        Assert.Equal(1.0, Math.Sqrt(result[0].ToFloats().ToArray().Sum(v => (double)v * v)), 4);
    }

    [Fact]
    public async Task SdkTranscriptionReadsVerboseJson()
    {
        await using var app = SimulatorApp.InMemory();
        var audio = Client(app).GetAudioClient("sim-whisper");
        using var file = new MemoryStream(new byte[64_000]);

        var transcription = (await audio.TranscribeAudioAsync(
            file,
            "speech.wav",
            new AudioTranscriptionOptions
            {
                ResponseFormat = AudioTranscriptionFormat.Verbose,
                TimestampGranularities = AudioTimestampGranularities.Word | AudioTimestampGranularities.Segment,
            },
            TestContext.Current.CancellationToken)).Value;

        Assert.StartsWith("received 64000 bytes:", transcription.Text);
        Assert.Equal(TimeSpan.FromSeconds(2), transcription.Duration);
        Assert.NotEmpty(transcription.Segments);
        Assert.NotEmpty(transcription.Words);
    }

    [Fact]
    public async Task SdkSurfacesAnUnknownModelAs404()
    {
        await using var app = SimulatorApp.InMemory();
        var chat = Client(app).GetChatClient("gpt-nothing");

        var exception = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(404, exception.Status);
    }

    private static OpenAIClient Client(SimulatorApp app) => new(
        new ApiKeyCredential("unused"),
        new OpenAIClientOptions
        {
            Endpoint = new Uri("http://localhost/v1"),
            Transport = new HttpClientPipelineTransport(app.CreateClient()),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        });
}
