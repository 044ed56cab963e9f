using System.Text.Json;
using System.Text.Json.Nodes;
using static GenieHive.Tests.Simulator.SimulatorTestKit;

namespace GenieHive.Tests.Simulator;

/// <summary>The prompt cache as a client sees it: <c>timings</c>, <c>usage</c> and <c>/metrics</c>, as llama-server reports them.</summary>
public sealed class SimulatorPromptCacheTests
{
    [Fact]
    public async Task ARepeatedPromptReusesAllButOneTokenFromItsSlot()
    {
        await using var app = SimulatorApp.InMemory(("PromptCache", true));
        using var client = app.CreateClient();

        var cold = await PostJsonAsync(client, "/v1/chat/completions", Chat("one two three four five", maxTokens: 4));
        var warm = await PostJsonAsync(client, "/v1/chat/completions", Chat("one two three four five", maxTokens: 4));

        AssertReuse(cold, cached: 0, prompt: 8);
        AssertReuse(warm, cached: 7, prompt: 8);
    }

    [Fact]
    public async Task TheNextTurnReusesThePromptAndTheAnswerSentBack()
    {
        await using var app = SimulatorApp.InMemory(("PromptCache", true));
        using var client = app.CreateClient();
        var first = Conversation("You are terse.", "tell me about the hive");

        var answer = await PostJsonAsync(client, "/v1/chat/completions", WithLimit(first, 5));
        var next = Continue(first, AnswerText(answer), "and then what happened");
        var reply = await PostJsonAsync(client, "/v1/chat/completions", WithLimit(next, 5));

        // 8 prompt tokens and the 5 answer tokens are in the slot; the 4 words of the new question are not.
        AssertReuse(reply, cached: 13, prompt: 17);
    }

    [Fact]
    public async Task TheAnswersWordsFromTheUserAreNotTheAnswersTokens()
    {
        await using var app = SimulatorApp.InMemory(("PromptCache", true));
        using var client = app.CreateClient();
        var first = Conversation("You are terse.", "tell me about the hive");

        var answer = await PostJsonAsync(client, "/v1/chat/completions", WithLimit(first, 5));
        var next = (JsonArray)first.DeepClone();
        next.Add(new JsonObject { ["role"] = "user", ["content"] = AnswerText(answer) });
        var reply = await PostJsonAsync(client, "/v1/chat/completions", WithLimit(next, 5));

        AssertReuse(reply, cached: 8, prompt: 13);
    }

    [Fact]
    public async Task StreamsReportTheReusedTokensInTheirTimingsAndUsage()
    {
        await using var app = SimulatorApp.InMemory(("PromptCache", true));
        using var client = app.CreateClient();
        await PostJsonAsync(client, "/v1/chat/completions", Chat("one two three four five", maxTokens: 2));

        var withUsage = Chat("one two three four five", maxTokens: 2, stream: true);
        withUsage["stream_options"] = new JsonObject { ["include_usage"] = true };
        var usageChunk = JsonDocument.Parse((await StreamAsync(client, withUsage))[^2]).RootElement;
        var finishChunk = JsonDocument.Parse((await StreamAsync(client, Chat("one two three four five", maxTokens: 2, stream: true)))[^2]).RootElement;

        Assert.Equal(7, usageChunk.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(8, usageChunk.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(7, usageChunk.GetProperty("timings").GetProperty("cache_n").GetInt32());
        Assert.Equal(1, usageChunk.GetProperty("timings").GetProperty("prompt_n").GetInt32());
        Assert.Equal("length", finishChunk.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(7, finishChunk.GetProperty("timings").GetProperty("cache_n").GetInt32());
        Assert.Equal(1, finishChunk.GetProperty("timings").GetProperty("prompt_n").GetInt32());
    }

    [Fact]
    public async Task WithoutThePromptCacheEveryTokenIsProcessedEveryTime()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        await PostJsonAsync(client, "/v1/chat/completions", Chat("one two three four five", maxTokens: 4));
        var again = await PostJsonAsync(client, "/v1/chat/completions", Chat("one two three four five", maxTokens: 4));

        AssertReuse(again, cached: 0, prompt: 8);
        Assert.Equal(0, await MetricAsync(client, "prompt_tokens_cached_total"));
    }

    [Fact]
    public async Task ARequestThatTurnsTheCacheOffProcessesItsWholePrompt()
    {
        await using var app = SimulatorApp.InMemory(("PromptCache", true));
        using var client = app.CreateClient();
        await PostJsonAsync(client, "/v1/chat/completions", Chat("one two three four five", maxTokens: 4));

        var body = Chat("one two three four five", maxTokens: 4);
        body["cache_prompt"] = false;
        var again = await PostJsonAsync(client, "/v1/chat/completions", body);
        body["cache_prompt"] = "yes";
        var invalid = await PostJsonAsync(client, "/v1/chat/completions", body, expectedStatus: 400);

        AssertReuse(again, cached: 0, prompt: 8);
        Assert.Equal("cache_prompt", invalid.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task MetricsCountTheReusedAndTheProcessedPromptTokens()
    {
        await using var app = SimulatorApp.InMemory(("PromptCache", true));
        using var client = app.CreateClient();

        await PostJsonAsync(client, "/v1/chat/completions", Chat("one two three four five", maxTokens: 4));
        await PostJsonAsync(client, "/v1/chat/completions", Chat("one two three four five", maxTokens: 4));

        Assert.Equal(7, await MetricAsync(client, "prompt_tokens_cached_total"));
        Assert.Equal(9, await MetricAsync(client, "prompt_tokens_total"));
    }

    [Fact]
    public async Task LegacyCompletionsReuseTheirPromptToo()
    {
        await using var app = SimulatorApp.InMemory(("PromptCache", true));
        using var client = app.CreateClient();
        var body = new JsonObject { ["prompt"] = "a long story about the hive", ["max_tokens"] = 3 };

        await PostJsonAsync(client, "/v1/completions", body);
        var again = await PostJsonAsync(client, "/v1/completions", body);

        AssertReuse(again, cached: 5, prompt: 6);
    }

    [Theory]
    [InlineData(0.10, 13)]
    [InlineData(0.0, 3)]
    public async Task AConversationGoesBackToTheSlotHoldingItUnlessSimilarityIsOff(double similarity, int cached)
    {
        await using var app = SimulatorApp.InMemory(("PromptCache", true), ("Slots", 2), ("SlotPromptSimilarity", similarity));
        using var client = app.CreateClient();
        var a = Conversation("You are terse.", "first conversation about rivers");
        var b = Conversation("You are terse.", "second conversation about stones and gardens");

        await PostJsonAsync(client, "/v1/chat/completions", WithLimit(a, 4));
        var answerB = await PostJsonAsync(client, "/v1/chat/completions", WithLimit(b, 4));
        var nextB = await PostJsonAsync(client, "/v1/chat/completions", WithLimit(Continue(b, AnswerText(answerB), "go on"), 4));

        // By similarity b's second turn finds b's slot (its 9 prompt tokens and 4 answer tokens); by least recently
        // used it lands on a's slot, which shares only the system prompt.
        Assert.Equal(cached, nextB.GetProperty("timings").GetProperty("cache_n").GetInt32());
    }

    private static void AssertReuse(JsonElement answer, int cached, int prompt)
    {
        var timings = answer.GetProperty("timings");
        var usage = answer.GetProperty("usage");
        Assert.Equal(cached, timings.GetProperty("cache_n").GetInt32());
        Assert.Equal(prompt - cached, timings.GetProperty("prompt_n").GetInt32());
        Assert.Equal(prompt, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(cached, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
    }

    private static async Task<List<string>> StreamAsync(HttpClient client, JsonObject body)
    {
        using var response = await client.SendAsync(Post("/v1/chat/completions", body), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        return await ReadEventsAsync(response, TestContext.Current.CancellationToken);
    }

    private static JsonArray Conversation(string system, string user) =>
    [
        new JsonObject { ["role"] = "system", ["content"] = system },
        new JsonObject { ["role"] = "user", ["content"] = user },
    ];

    private static JsonArray Continue(JsonArray conversation, string answer, string question)
    {
        var next = (JsonArray)conversation.DeepClone();
        next.Add(new JsonObject { ["role"] = "assistant", ["content"] = answer });
        next.Add(new JsonObject { ["role"] = "user", ["content"] = question });
        return next;
    }

    private static JsonObject WithLimit(JsonArray messages, int maxTokens) =>
        new() { ["messages"] = messages.DeepClone(), ["max_tokens"] = maxTokens };

    private static string AnswerText(JsonElement answer) =>
        answer.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
}
