using System.ClientModel;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using OpenAI.Audio;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace GenieHive.Tests.Compat;

/// <summary>
/// The core SDK behaviours through the facade against real engines (llama-server, whisper-server). Their models are
/// random weights: only the protocol is asserted, never the content beyond being there.
/// </summary>
public sealed class RealEngineCompatTests(RealEngines engines) : IClassFixture<RealEngines>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ChatThroughARoleAnswersFromLlamaServer()
    {
        Assert.SkipUnless(engines.Available, RealEngines.SkipReason);
        var chat = engines.Cluster.OpenAi().GetChatClient(RealEngines.ChatRole);

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("hello")], new ChatCompletionOptions { MaxOutputTokenCount = 6, Temperature = 0 }, Ct)
            .WaitAsync(Bound, Ct);

        Assert.False(string.IsNullOrEmpty(completion.Content[0].Text));
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.InRange(completion.Usage.OutputTokenCount, 1, 6);
        Assert.True(completion.Usage.InputTokenCount > 0);
    }

    [Fact]
    public async Task StreamedChatFromLlamaServerArrivesInUpdatesWithUsage()
    {
        Assert.SkipUnless(engines.Available, RealEngines.SkipReason);
        var chat = engines.Cluster.OpenAi().GetChatClient(RealEngines.ChatModel);

        var updates = await Sse.CollectAsync(chat.CompleteChatStreamingAsync(
            [new UserChatMessage("hello")], new ChatCompletionOptions { MaxOutputTokenCount = 8, Temperature = 0 }, Ct)).WaitAsync(Bound, Ct);

        Assert.True(updates.Count >= 3, "expected role, content, finish and usage updates, got " + updates.Count);
        Assert.Contains(updates, u => u.ContentUpdate.Count > 0 && u.ContentUpdate[0].Text.Length > 0);
        Assert.Contains(updates, u => u.FinishReason is not null);
        Assert.InRange(updates.Last(u => u.Usage is not null).Usage.OutputTokenCount, 1, 8);
    }

    [Fact]
    public async Task ChatClientAbstractionStreamsFromLlamaServer()
    {
        Assert.SkipUnless(engines.Available, RealEngines.SkipReason);
        IChatClient client = engines.Cluster.OpenAi().GetChatClient(RealEngines.ChatRole).AsIChatClient();

        var updates = await Sse.CollectAsync(client.GetStreamingResponseAsync("hello", new ChatOptions { MaxOutputTokens = 6 }, Ct)).WaitAsync(Bound, Ct);
        var response = updates.ToChatResponse();

        Assert.False(string.IsNullOrEmpty(response.Text));
        Assert.InRange(response.Usage!.OutputTokenCount!.Value, 1, 6);
    }

    [Fact]
    public async Task EmbeddingsFromLlamaServerDecodeFromBase64AsTheyReadAsFloats()
    {
        Assert.SkipUnless(engines.Available, RealEngines.SkipReason);
        var client = engines.Cluster.OpenAi().GetEmbeddingClient(RealEngines.EmbeddingModel);

        OpenAIEmbeddingCollection base64 = await client.GenerateEmbeddingsAsync(["hello world", "goodbye"], cancellationToken: Ct).WaitAsync(Bound, Ct);
        var floats = await client.GenerateEmbeddingsAsync(
            BinaryContent.Create(BinaryData.FromString("""{"model":"tiny-embed","input":["hello world","goodbye"],"encoding_format":"float"}"""))).WaitAsync(Bound, Ct);

        var data = JsonNode.Parse(floats.GetRawResponse().Content.ToString())!["data"]!.AsArray();
        Assert.Equal(2, base64.Count);
        Assert.Equal(2, data.Count);
        for (var i = 0; i < 2; i++)
        {
            var fromFloat = data[i]!["embedding"]!.AsArray().Select(n => n!.GetValue<float>()).ToArray();
            Assert.Equal(fromFloat, base64[i].ToFloats().ToArray());
            Assert.True(fromFloat.Length > 0);
        }
    }

    [Fact]
    public async Task EmbeddingGeneratorAbstractionReadsLlamaServer()
    {
        Assert.SkipUnless(engines.Available, RealEngines.SkipReason);
        IEmbeddingGenerator<string, Embedding<float>> generator = engines.Cluster.OpenAi().GetEmbeddingClient(RealEngines.EmbeddingModel).AsIEmbeddingGenerator();

        var embeddings = await generator.GenerateAsync(["one", "two", "three"], cancellationToken: Ct).WaitAsync(Bound, Ct);

        Assert.Equal(3, embeddings.Count);
        Assert.All(embeddings, e => Assert.True(e.Vector.Length > 0));
    }

    [Theory]
    [InlineData("json")]
    [InlineData("text")]
    [InlineData("srt")]
    [InlineData("vtt")]
    [InlineData("verbose_json")]
    public async Task WhisperServerTranscribesInEveryResponseFormat(string format)
    {
        Assert.SkipUnless(engines.Available, RealEngines.SkipReason);
        var audio = engines.Cluster.OpenAi().GetAudioClient(RealEngines.TranscriptionRole);
        await using var file = File.OpenRead(engines.SpeechWav);

        var result = await audio.TranscribeAudioAsync(file, "hello.wav", new AudioTranscriptionOptions { ResponseFormat = new AudioTranscriptionFormat(format), Language = "en" }, Ct)
            .WaitAsync(Bound, Ct);

        AudioTranscription transcription = result;
        Assert.False(string.IsNullOrWhiteSpace(transcription.Text));
        if (format == "verbose_json")
        {
            Assert.NotEmpty(transcription.Segments);
            Assert.True(transcription.Duration > TimeSpan.FromSeconds(1));
        }
        else if (format is "srt" or "vtt" or "text")
        {
            Assert.True(result.GetRawResponse().Headers.TryGetValue("Content-Type", out var type) && type!.StartsWith("text/plain", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task LegacyCompletionsFromLlamaServerAnswerAsJsonAndAsAStream()
    {
        Assert.SkipUnless(engines.Available, RealEngines.SkipReason);

        using var json = await engines.Cluster.FacadeClient.PostAsync("/v1/completions",
            new StringContent("""{"model":"tiny","prompt":"Once upon a time","max_tokens":4}""", System.Text.Encoding.UTF8, "application/json"), Ct).WaitAsync(Bound, Ct);
        using var stream = await engines.Cluster.FacadeClient.PostAsync("/v1/completions",
            new StringContent("""{"model":"tiny","prompt":"Once upon a time","max_tokens":4,"stream":true,"stream_options":{"include_usage":true}}""", System.Text.Encoding.UTF8, "application/json"), Ct).WaitAsync(Bound, Ct);

        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        var completion = JsonNode.Parse(await json.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("text_completion", completion["object"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(completion["choices"]![0]!["text"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        var events = Sse.DataOf(await stream.Content.ReadAsStringAsync(Ct));
        Assert.Equal("[DONE]", events[^1]);
        Assert.True(events.Count >= 3, "expected several events, got " + events.Count);
        Assert.Contains(events, e => e.Contains("\"usage\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LlamaServersContextSizeErrorReachesTheSdkWithItsStatusAndMessage()
    {
        Assert.SkipUnless(engines.Available, RealEngines.SkipReason);
        var chat = engines.Cluster.OpenAi().GetChatClient(RealEngines.ChatModel);
        var prompt = ErrorCompatTests.LongPrompt(RealEngines.ChatContextSize * 2);

        var json = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage(prompt)], cancellationToken: Ct).WaitAsync(Bound, Ct));
        var stream = await Assert.ThrowsAsync<ClientResultException>(() =>
            Sse.CollectAsync(chat.CompleteChatStreamingAsync([new UserChatMessage(prompt)], cancellationToken: Ct)).WaitAsync(Bound, Ct));

        Assert.Equal(400, json.Status);
        Assert.Equal(400, stream.Status);
        Assert.Contains("exceeds the available context size", json.Message, StringComparison.Ordinal);
        Assert.Contains("exceed_context_size_error", json.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheModelListingNamesTheRealModels()
    {
        Assert.SkipUnless(engines.Available, RealEngines.SkipReason);

        var models = await engines.Cluster.OpenAi().GetOpenAIModelClient().GetModelsAsync(Ct).WaitAsync(Bound, Ct);

        Assert.Superset(
            new HashSet<string>(StringComparer.Ordinal) { RealEngines.ChatModel, RealEngines.EmbeddingModel, RealEngines.TranscriptionModel, RealEngines.ChatRole },
            models.Value.Select(m => m.Id).ToHashSet(StringComparer.Ordinal));
    }
}
