using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using static GenieHive.Tests.Simulator.SimulatorTestKit;

namespace GenieHive.Tests.Simulator;

public sealed class SimulatorChatTests
{
    [Fact]
    public async Task ChatAnswerHasTheLlamaCppShapeAndUsage()
    {
        await using var app = SimulatorApp.InMemory(("ChatModels:0", "qwen3-sim-8b"));
        using var client = app.CreateClient();

        var answer = await PostJsonAsync(client, "/v1/chat/completions", Chat("one two three four", maxTokens: 7, model: "qwen3-sim-8b"));

        Assert.StartsWith("chatcmpl-", answer.GetProperty("id").GetString());
        Assert.Equal("chat.completion", answer.GetProperty("object").GetString());
        Assert.Equal("qwen3-sim-8b", answer.GetProperty("model").GetString());
        Assert.True(answer.GetProperty("created").GetInt64() > 1_700_000_000);
        var choice = Assert.Single(answer.GetProperty("choices").EnumerateArray());
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        var content = choice.GetProperty("message").GetProperty("content").GetString()!;
        Assert.Equal(7, content.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        var usage = answer.GetProperty("usage");
        Assert.Equal(7, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(7, usage.GetProperty("prompt_tokens").GetInt32()); // "You are terse." + "one two three four"
        Assert.Equal(14, usage.GetProperty("total_tokens").GetInt32());
        var timings = answer.GetProperty("timings");
        Assert.Equal(7, timings.GetProperty("prompt_n").GetInt32());
        Assert.Equal(7, timings.GetProperty("predicted_n").GetInt32());
        Assert.True(timings.TryGetProperty("prompt_ms", out _));
        Assert.True(timings.TryGetProperty("predicted_ms", out _));
        Assert.True(timings.TryGetProperty("predicted_per_second", out _));
    }

    [Fact]
    public async Task ChatAnswerIsDeterministicForTheSamePromptAndDiffersForAnother()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        var first = await PostJsonAsync(client, "/v1/chat/completions", Chat("the same prompt", maxTokens: 12));
        var again = await PostJsonAsync(client, "/v1/chat/completions", Chat("the same prompt", maxTokens: 12));
        var other = await PostJsonAsync(client, "/v1/chat/completions", Chat("a different prompt", maxTokens: 12));

        Assert.Equal(Content(first), Content(again));
        Assert.NotEqual(Content(first), Content(other));
        Assert.NotEqual(first.GetProperty("id").GetString(), again.GetProperty("id").GetString());
    }

    [Fact]
    public async Task WithoutMaxTokensTheAnswerHasCompletionTokensAndStops()
    {
        await using var app = SimulatorApp.InMemory(("CompletionTokens", 5));
        using var client = app.CreateClient();

        var answer = await PostJsonAsync(client, "/v1/chat/completions", Chat());

        Assert.Equal(5, answer.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("stop", answer.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task MaxCompletionTokensWinsOverMaxTokens()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();
        var body = Chat(maxTokens: 9);
        body["max_completion_tokens"] = 3;

        var answer = await PostJsonAsync(client, "/v1/chat/completions", body);

        Assert.Equal(3, answer.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task UnknownRequestFieldsAreIgnored()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();
        var body = Chat(maxTokens: 2);
        body["temperature"] = 0.1;
        body["tools"] = new JsonArray(new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = "f" } });
        body["chat_template_kwargs"] = new JsonObject { ["enable_thinking"] = false };
        body["messages"]!.AsArray().Add(new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = "parts count too" }),
        });

        var answer = await PostJsonAsync(client, "/v1/chat/completions", body);

        Assert.Equal(11, answer.GetProperty("usage").GetProperty("prompt_tokens").GetInt32()); // 3 + 5 + the 3 words of the text part
    }

    [Fact]
    public async Task StreamSendsRoleChunkContentChunksFinishChunkAndDone()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        using var response = await client.SendAsync(Post("/v1/chat/completions", Chat(maxTokens: 4, stream: true)), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = await ReadEventsAsync(response, TestContext.Current.CancellationToken);

        Assert.Equal(7, events.Count); // role, 4 tokens, finish, [DONE]
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events.Take(6).Select(e => JsonDocument.Parse(e).RootElement).ToList();
        var id = chunks[0].GetProperty("id").GetString();
        Assert.All(chunks, chunk =>
        {
            Assert.Equal("chat.completion.chunk", chunk.GetProperty("object").GetString());
            Assert.Equal(id, chunk.GetProperty("id").GetString());
            Assert.Equal("sim-chat", chunk.GetProperty("model").GetString());
            Assert.True(chunk.GetProperty("created").GetInt64() > 0);
        });
        var roleDelta = chunks[0].GetProperty("choices")[0].GetProperty("delta");
        Assert.Equal("assistant", roleDelta.GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, roleDelta.GetProperty("content").ValueKind);
        foreach (var chunk in chunks.Skip(1).Take(4))
        {
            var choice = chunk.GetProperty("choices")[0];
            Assert.Equal(JsonValueKind.Null, choice.GetProperty("finish_reason").ValueKind);
            Assert.False(string.IsNullOrWhiteSpace(choice.GetProperty("delta").GetProperty("content").GetString()));
        }

        var finish = chunks[5].GetProperty("choices")[0];
        Assert.Equal("length", finish.GetProperty("finish_reason").GetString());
        Assert.Empty(finish.GetProperty("delta").EnumerateObject());
        Assert.Equal(4, chunks[5].GetProperty("timings").GetProperty("predicted_n").GetInt32());
        Assert.False(chunks[5].TryGetProperty("usage", out _));
    }

    [Fact]
    public async Task StreamedTextEqualsTheJsonAnswer()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();
        var json = await PostJsonAsync(client, "/v1/chat/completions", Chat("same words", maxTokens: 6));

        using var response = await client.SendAsync(Post("/v1/chat/completions", Chat("same words", maxTokens: 6, stream: true)), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        var events = await ReadEventsAsync(response, TestContext.Current.CancellationToken);
        var streamed = string.Concat(events.SkipLast(1)
            .Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0].GetProperty("delta"))
            .Where(d => d.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String)
            .Select(d => d.GetProperty("content").GetString()));

        Assert.Equal(Content(json), streamed);
    }

    [Fact]
    public async Task StreamWithIncludeUsageEndsWithAUsageChunkBeforeDone()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();
        var body = Chat("four words of prompt", maxTokens: 3, stream: true);
        body["stream_options"] = new JsonObject { ["include_usage"] = true };

        using var response = await client.SendAsync(Post("/v1/chat/completions", body), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        var events = await ReadEventsAsync(response, TestContext.Current.CancellationToken);

        Assert.Equal(7, events.Count); // role, 3 tokens, finish, usage, [DONE]
        Assert.Equal("[DONE]", events[^1]);
        var finish = JsonDocument.Parse(events[4]).RootElement;
        Assert.Equal("length", finish.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var usageChunk = JsonDocument.Parse(events[5]).RootElement;
        Assert.Empty(usageChunk.GetProperty("choices").EnumerateArray());
        Assert.Equal(3, usageChunk.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(7, usageChunk.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(10, usageChunk.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal(3, usageChunk.GetProperty("timings").GetProperty("predicted_n").GetInt32());
    }

    [Fact]
    public async Task SimReasoningAddsReasoningContentToJsonAndStream()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();
        var body = Chat(maxTokens: 8);
        body["sim_reasoning"] = true;

        var answer = await PostJsonAsync(client, "/v1/chat/completions", body);
        var message = answer.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal(2, message.GetProperty("reasoning_content").GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(6, message.GetProperty("content").GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(8, answer.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        body["stream"] = true;
        using var response = await client.SendAsync(Post("/v1/chat/completions", body), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        var deltas = (await ReadEventsAsync(response, TestContext.Current.CancellationToken)).SkipLast(1)
            .Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices"))
            .Where(c => c.GetArrayLength() > 0)
            .Select(c => c[0].GetProperty("delta"))
            .ToList();
        Assert.Equal(2, deltas.Count(d => d.TryGetProperty("reasoning_content", out _)));
        Assert.Equal(6, deltas.Count(d => d.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String));
    }

    [Fact]
    public async Task ContextOverflowAnswersLlamaCppExceedContextSizeError()
    {
        await using var app = SimulatorApp.InMemory(("ContextSize", 64));
        using var client = app.CreateClient();

        var error = await PostJsonAsync(client, "/v1/chat/completions", Chat(string.Join(' ', Enumerable.Repeat("word", 60)), maxTokens: 10), 400);

        var body = error.GetProperty("error");
        Assert.Equal("exceed_context_size_error", body.GetProperty("type").GetString());
        Assert.Equal(400, body.GetProperty("code").GetInt32());
        Assert.Equal(63, body.GetProperty("n_prompt_tokens").GetInt32());
        Assert.Equal(64, body.GetProperty("n_ctx").GetInt32());
        Assert.Contains("exceeds the available context size", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task UnknownModelAnswers404ModelNotFound()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        var error = await PostJsonAsync(client, "/v1/chat/completions", Chat(model: "no-such-model"), 404);
        var embeddingModelForChat = await PostJsonAsync(client, "/v1/chat/completions", Chat(model: "sim-embed"), 404);

        Assert.Equal("model_not_found", error.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("no-such-model", error.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("model_not_found", embeddingModelForChat.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]")]
    [InlineData("[1,2,3]")]
    [InlineData("\"text\"")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} trailing")]
    [InlineData("{\"model\":\"sim-chat\"}")]
    [InlineData("{\"messages\":[]}")]
    [InlineData("{\"messages\":\"hello\"}")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":\"yes\"}")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":-1}")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":1.5}")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"model\":42}")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream_options\":{\"include_usage\":1}}")]
    public async Task BadInputAnswers400InOpenAiShape(string body)
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/v1/chat/completions", Json(body), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.ReadJsonAsync()).GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task StreamWaitsForTheTimeToFirstToken()
    {
        await using var app = SimulatorApp.InMemory(("TimeToFirstTokenMs", 400), ("TokensPerSecond", 0));
        using var client = app.CreateClient();

        var watch = Stopwatch.StartNew();
        using var response = await client.SendAsync(Post("/v1/chat/completions", Chat(maxTokens: 2, stream: true)), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        await using var first = EventsAsync(response, TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await first.MoveNextAsync());
        var firstChunk = watch.Elapsed;

        Assert.True(firstChunk >= TimeSpan.FromMilliseconds(350), $"first chunk after {firstChunk.TotalMilliseconds} ms");
        Assert.True(firstChunk < TimeSpan.FromSeconds(10), $"first chunk after {firstChunk.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task JsonAnswerTakesAsLongAsStreamingItWould()
    {
        // 1 token at the time to first token (0), then 4 more at 20 tokens/s: about 200 ms.
        await using var app = SimulatorApp.InMemory(("TokensPerSecond", 20));
        using var client = app.CreateClient();

        var watch = Stopwatch.StartNew();
        var answer = await PostJsonAsync(client, "/v1/chat/completions", Chat(maxTokens: 5));
        var elapsed = watch.Elapsed;

        Assert.True(elapsed >= TimeSpan.FromMilliseconds(180), $"answered after {elapsed.TotalMilliseconds} ms");
        Assert.True(answer.GetProperty("timings").GetProperty("predicted_ms").GetDouble() >= 180);
    }

    private static string Content(JsonElement answer) =>
        answer.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
}
