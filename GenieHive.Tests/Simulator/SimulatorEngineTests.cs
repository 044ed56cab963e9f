using System.Net;
using Microsoft.Extensions.Options;
using static GenieHive.Tests.Simulator.SimulatorTestKit;

namespace GenieHive.Tests.Simulator;

public sealed class SimulatorEngineTests
{
    [Fact]
    public async Task HealthAnswersStatusOk()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        var health = await app.GetJsonAsync(client, "/health");

        Assert.Equal("ok", health.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ModelsListsOnlyTheChatModelsByDefault()
    {
        await using var app = SimulatorApp.InMemory(("ChatModels:0", "qwen3-sim-8b"), ("ChatModels:1", "mistral-sim-7b"), ("ContextSize", 8192));
        using var client = app.CreateClient();

        var models = await app.GetJsonAsync(client, "/v1/models");

        Assert.Equal("list", models.GetProperty("object").GetString());
        var data = models.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["qwen3-sim-8b", "mistral-sim-7b"], data.Select(m => m.GetProperty("id").GetString()));
        Assert.All(data, m =>
        {
            Assert.Equal("model", m.GetProperty("object").GetString());
            Assert.Equal("llamacpp", m.GetProperty("owned_by").GetString());
            Assert.True(m.GetProperty("created").GetInt64() > 0);
            Assert.Equal(8192, m.GetProperty("meta").GetProperty("n_ctx_train").GetInt32());
        });
    }

    [Fact]
    public async Task ListAllModelsListsEveryModel()
    {
        await using var app = SimulatorApp.InMemory(("ListAllModels", true));
        using var client = app.CreateClient();

        var models = await app.GetJsonAsync(client, "/v1/models");

        Assert.Equal(["sim-chat", "sim-embed", "sim-whisper"], models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task PropsReportSlotsContextAndModel()
    {
        await using var app = SimulatorApp.InMemory(("Slots", 3), ("ContextSize", 2048));
        using var client = app.CreateClient();

        var props = await app.GetJsonAsync(client, "/props");

        Assert.Equal(3, props.GetProperty("total_slots").GetInt32());
        Assert.Equal(2048, props.GetProperty("default_generation_settings").GetProperty("n_ctx").GetInt32());
        Assert.Equal("/models/sim-chat.gguf", props.GetProperty("model_path").GetString());
        Assert.Equal("geniehive-simulator", props.GetProperty("build_info").GetString());
        Assert.False(string.IsNullOrEmpty(props.GetProperty("chat_template").GetString()));
    }

    [Fact]
    public async Task IdleSlotsAreListedWithTheirContext()
    {
        await using var app = SimulatorApp.InMemory(("Slots", 2), ("ContextSize", 1024));
        using var client = app.CreateClient();

        var slots = await app.GetJsonAsync(client, "/slots");

        Assert.Equal(2, slots.GetArrayLength());
        Assert.Equal([0, 1], slots.EnumerateArray().Select(s => s.GetProperty("id").GetInt32()));
        Assert.All(slots.EnumerateArray(), s =>
        {
            Assert.Equal(1024, s.GetProperty("n_ctx").GetInt32());
            Assert.False(s.GetProperty("is_processing").GetBoolean());
            Assert.False(s.GetProperty("speculative").GetBoolean());
        });
    }

    [Fact]
    public async Task MetricsUseLlamaCppNamesAndCountTokens()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();
        await PostJsonAsync(client, "/v1/chat/completions", Chat("three word prompt", maxTokens: 4));

        using var response = await client.GetAsync("/metrics", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal("text/plain; version=0.0.4", response.Content.Headers.ContentType?.ToString().Replace("; charset=utf-8", string.Empty, StringComparison.Ordinal));
        foreach (var name in new[] { "prompt_tokens_total", "tokens_predicted_total", "prompt_tokens_seconds", "predicted_tokens_seconds", "requests_processing", "requests_deferred", "n_decode_total" })
        {
            Assert.Contains($"# HELP llamacpp:{name} ", text);
            Assert.Contains($"# TYPE llamacpp:{name} ", text);
        }

        Assert.Equal(6, await app.MetricAsync(client, "prompt_tokens_total"));
        Assert.Equal(4, await app.MetricAsync(client, "tokens_predicted_total"));
        Assert.Equal(5, await app.MetricAsync(client, "n_decode_total"));
        Assert.Equal(0, await app.MetricAsync(client, "requests_processing"));
    }

    [Fact]
    public async Task RequestsBeyondTheSlotsQueueAndShowInSlotsAndMetrics()
    {
        await using var app = SimulatorApp.OnKestrel(("Slots", 1), ("TokensPerSecond", 2));
        using var client = app.CreateClient();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var streams = Enumerable.Range(0, 3)
            .Select(i => client.SendAsync(Post("/v1/chat/completions", Chat($"stream {i}", maxTokens: 200, stream: true)), HttpCompletionOption.ResponseHeadersRead, cancel.Token))
            .ToList();

        await EventuallyAsync(
            async () => await app.MetricAsync(client, "requests_processing") == 1 && await app.MetricAsync(client, "requests_deferred") == 2,
            "one request processing and two deferred");
        var slots = await app.GetJsonAsync(client, "/slots");
        var slot = Assert.Single(slots.EnumerateArray());
        Assert.True(slot.GetProperty("is_processing").GetBoolean());
        Assert.Equal(200, slot.GetProperty("params").GetProperty("n_predict").GetInt32());
        Assert.True(slot.GetProperty("params").GetProperty("stream").GetBoolean());
        var stats = await app.StatsAsync(client);
        Assert.Equal(1, stats.GetProperty("processing").GetInt32());
        Assert.Equal(2, stats.GetProperty("queued").GetInt32());

        await cancel.CancelAsync();
        foreach (var stream in streams)
        {
            try
            {
                (await stream.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).Dispose();
            }
            catch (OperationCanceledException)
            {
                // The queued ones never got headers; cancelling them is the point.
            }
        }

        await EventuallyAsync(
            async () => await app.MetricAsync(client, "requests_processing") == 0 && await app.MetricAsync(client, "requests_deferred") == 0,
            "the slot and the queue to empty");
    }

    [Fact]
    public async Task QueuedRequestsAreServedInArrivalOrder()
    {
        await using var app = SimulatorApp.OnKestrel(("Slots", 1), ("TimeToFirstTokenMs", 150));
        using var client = app.CreateClient();
        var order = new List<int>();

        var requests = new List<Task>();
        for (var i = 0; i < 3; i++)
        {
            var index = i;
            requests.Add(Task.Run(async () =>
            {
                await PostJsonAsync(client, "/v1/chat/completions", Chat($"request {index}", maxTokens: 1));
                lock (order)
                {
                    order.Add(index);
                }
            }, TestContext.Current.CancellationToken));
            var queued = i;
            await EventuallyAsync(async () => (await app.StatsAsync(client)).GetProperty("requests").GetProperty("chat_completions").GetInt32() == queued + 1, "request " + i + " to arrive");
        }

        await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        Assert.Equal([0, 1, 2], order);
    }

    [Theory]
    [InlineData("Slots", "0")]
    [InlineData("TokensPerSecond", "-1")]
    [InlineData("ContextSize", "1")]
    [InlineData("EmbeddingDimensions", "0")]
    [InlineData("ChatModels:0", " ")]
    [InlineData("PromptTokensPerSecond", "-1")]
    [InlineData("SlotPromptSimilarity", "1.5")]
    [InlineData("DecodeContention", "2")]
    [InlineData("PreloadedModels:0", "not-served")]
    [InlineData("MemoryBudgetMb", "10")]
    public void InvalidOptionsStopTheStart(string key, string value)
    {
        using var app = SimulatorApp.InMemory((key, value));

        var exception = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        var chain = new List<Exception>();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            chain.Add(e);
        }

        Assert.Contains(chain, e => e is OptionsValidationException);
    }

    [Fact]
    public async Task UnknownPathAnswers404()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/v1/nothing", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
