using System.Text.Json;
using System.Text.Json.Nodes;
using static GenieHive.Tests.Simulator.SimulatorTestKit;

namespace GenieHive.Tests.Simulator;

public sealed class SimulatorCompletionsTests
{
    [Fact]
    public async Task TextCompletionHasTheLegacyShape()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        var answer = await PostJsonAsync(client, "/v1/completions", new JsonObject { ["model"] = "sim-chat", ["prompt"] = "Once upon a time", ["max_tokens"] = 5 });

        Assert.StartsWith("cmpl-", answer.GetProperty("id").GetString());
        Assert.Equal("text_completion", answer.GetProperty("object").GetString());
        var choice = Assert.Single(answer.GetProperty("choices").EnumerateArray());
        Assert.Equal(5, choice.GetProperty("text").GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("logprobs").ValueKind);
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(4, answer.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(5, answer.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task PromptMayBeAnArrayOfStringsOrTokens()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        var strings = await PostJsonAsync(client, "/v1/completions", new JsonObject { ["prompt"] = new JsonArray("one two", "three") });
        var tokens = await PostJsonAsync(client, "/v1/completions", new JsonObject { ["prompt"] = new JsonArray(11, 12, 13, 14) });

        Assert.Equal(3, strings.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(4, tokens.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task TextCompletionStreamsTokensFinishUsageAndDone()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();
        var body = new JsonObject
        {
            ["prompt"] = "Once upon a time",
            ["max_tokens"] = 3,
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
        };

        using var response = await client.SendAsync(Post("/v1/completions", body), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        var events = await ReadEventsAsync(response, TestContext.Current.CancellationToken);

        Assert.Equal(6, events.Count); // 3 tokens, finish, usage, [DONE]
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events.SkipLast(1).Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("text_completion", c.GetProperty("object").GetString()));
        foreach (var chunk in chunks.Take(3))
        {
            var choice = chunk.GetProperty("choices")[0];
            Assert.False(string.IsNullOrWhiteSpace(choice.GetProperty("text").GetString()));
            Assert.Equal(JsonValueKind.Null, choice.GetProperty("finish_reason").ValueKind);
        }

        Assert.Equal("length", chunks[3].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Empty(chunks[4].GetProperty("choices").EnumerateArray());
        Assert.Equal(3, chunks[4].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task MissingPromptAnswers400()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        var error = await PostJsonAsync(client, "/v1/completions", new JsonObject { ["model"] = "sim-chat" }, 400);

        Assert.Equal("prompt", error.GetProperty("error").GetProperty("param").GetString());
    }
}
