using GenieHive.Simulator.Models;
using Microsoft.Extensions.DependencyInjection;
using static GenieHive.Tests.Simulator.SimulatorTestKit;

namespace GenieHive.Tests.Simulator;

/// <summary>Chat models that load on demand within a memory budget, on a fake clock; as Ollama and llama-server's router show them.</summary>
public sealed class SimulatorModelLoadingTests
{
    [Fact]
    public async Task ARequestForAnUnloadedModelWaitsForItsLoad()
    {
        var clock = SimulatorApp.NewClock();
        await using var app = SimulatorApp.InMemory(
            ("ChatModels:0", "m1"), ("ChatModels:1", "m2"), ("ModelLoadMs", 5_000), ("PreloadedModels:0", "m1"));
        await using var timed = app.OnClock(clock);
        using var client = timed.CreateClient();
        Assert.Equal(["m1"], await RunningAsync(app, client));
        Assert.Equal(["loaded", "unloaded"], await StatusesAsync(app, client));

        var request = PostJsonAsync(client, "/v1/chat/completions", Chat("hello", maxTokens: 1, model: "m2"));
        await EventuallyAsync(async () => await MetricAsync(client, "requests_deferred") == 1, "the request to wait for its model");
        Assert.Equal(["loaded", "loading"], await StatusesAsync(app, client));
        Assert.Equal(1, (await app.StatsAsync(client)).GetProperty("waiting_for_model").GetInt32());

        clock.Advance(TimeSpan.FromMilliseconds(4_999));
        Assert.False(request.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await request.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(["m1", "m2"], await RunningAsync(app, client));
        Assert.Equal(["loaded", "loaded"], await StatusesAsync(app, client));
        Assert.Equal(0, await MetricAsync(client, "requests_deferred"));
        Assert.Equal(1, (await app.StatsAsync(client)).GetProperty("model_loads").GetInt64());
    }

    [Fact]
    public async Task RequestsArrivingDuringALoadWaitForTheSameLoad()
    {
        var clock = SimulatorApp.NewClock();
        await using var app = SimulatorApp.InMemory(("ChatModels:0", "m1"), ("ModelLoadMs", 2_000));
        await using var timed = app.OnClock(clock);
        using var client = timed.CreateClient();

        var first = PostJsonAsync(client, "/v1/chat/completions", Chat("one", maxTokens: 1, model: "m1"));
        await EventuallyAsync(async () => await MetricAsync(client, "requests_deferred") == 1, "the first request to wait");
        clock.Advance(TimeSpan.FromMilliseconds(1_000));
        var second = PostJsonAsync(client, "/v1/chat/completions", Chat("two", maxTokens: 1, model: "m1"));
        await EventuallyAsync(async () => await MetricAsync(client, "requests_deferred") == 2, "the second request to wait");
        clock.Advance(TimeSpan.FromMilliseconds(1_000));

        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(1, (await app.StatsAsync(client)).GetProperty("model_loads").GetInt64());
    }

    [Fact]
    public async Task AFullBudgetEvictsTheLeastRecentlyUsedIdleModel()
    {
        var clock = SimulatorApp.NewClock();
        await using var app = SimulatorApp.InMemory(
            ("ChatModels:0", "m1"), ("ChatModels:1", "m2"), ("ChatModels:2", "m3"), ("ModelLoadMs", 1_000),
            ("ModelSizeMb", 1_000), ("MemoryBudgetMb", 2_000), ("PreloadedModels:0", "m1"), ("PreloadedModels:1", "m2"));
        await using var timed = app.OnClock(clock);
        using var client = timed.CreateClient();

        // m1 is used after m2, so m2 is the one to go.
        await PostJsonAsync(client, "/v1/chat/completions", Chat("hello", maxTokens: 1, model: "m1"));
        var cold = PostJsonAsync(client, "/v1/chat/completions", Chat("hello", maxTokens: 1, model: "m3"));
        await EventuallyAsync(async () => (await StatusesAsync(app, client))[2] == "loading", "m3 to start loading");
        Assert.Equal(["loaded", "unloaded", "loading"], await StatusesAsync(app, client));
        clock.Advance(TimeSpan.FromMilliseconds(1_000));
        await cold.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(["m1", "m3"], await RunningAsync(app, client));
        var stats = await app.StatsAsync(client);
        Assert.Equal(1, stats.GetProperty("model_evictions").GetInt64());
        var ps = (await app.GetJsonAsync(client, "/api/ps")).GetProperty("models")[0];
        Assert.Equal(1_000L * 1024 * 1024, ps.GetProperty("size").GetInt64());
        Assert.Equal(ps.GetProperty("size").GetInt64(), ps.GetProperty("size_vram").GetInt64());
        Assert.Equal(4096, ps.GetProperty("context_length").GetInt32());
    }

    [Fact]
    public async Task AModelInUseIsNotEvictedUntilItsRequestEnds()
    {
        var clock = SimulatorApp.NewClock();
        await using var app = SimulatorApp.InMemory(
            ("ChatModels:0", "m1"), ("ChatModels:1", "m2"), ("ModelLoadMs", 3_000), ("TimeToFirstTokenMs", 1_000),
            ("ModelSizeMb", 1_000), ("MemoryBudgetMb", 1_000), ("PreloadedModels:0", "m1"));
        await using var timed = app.OnClock(clock);
        using var client = timed.CreateClient();

        var busy = PostJsonAsync(client, "/v1/chat/completions", Chat("hello", maxTokens: 1, model: "m1"));
        await EventuallyAsync(async () => await MetricAsync(client, "requests_processing") == 1, "the m1 request to take a slot");
        var waiting = PostJsonAsync(client, "/v1/chat/completions", Chat("hello", maxTokens: 1, model: "m2"));
        await EventuallyAsync(async () => await MetricAsync(client, "requests_deferred") == 1, "the m2 request to wait");
        Assert.Equal(["loaded", "unloaded"], await StatusesAsync(app, client));

        // m1's request ends at 1 s; only then is m1 evicted and m2 loaded (3 s), then answered (1 s to its first token).
        clock.Advance(TimeSpan.FromMilliseconds(1_000));
        await busy.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await EventuallyAsync(async () => (await StatusesAsync(app, client))[1] == "loading", "m2 to start loading");
        Assert.Equal(["unloaded", "loading"], await StatusesAsync(app, client));
        clock.Advance(TimeSpan.FromMilliseconds(3_000));
        await EventuallyAsync(async () => await MetricAsync(client, "requests_processing") == 1, "the m2 request to take a slot");
        clock.Advance(TimeSpan.FromMilliseconds(1_000));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(["m2"], await RunningAsync(app, client));
    }

    [Fact]
    public async Task WithoutOnDemandLoadingEveryModelIsLoadedAndListsCarryNoStatus()
    {
        await using var app = SimulatorApp.InMemory(("ChatModels:0", "m1"), ("ChatModels:1", "m2"));
        using var client = app.CreateClient();

        Assert.Equal(["m1", "m2"], await RunningAsync(app, client));
        var tags = (await app.GetJsonAsync(client, "/api/tags")).GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(["m1", "m2"], tags.Select(t => t.GetProperty("name").GetString()));
        Assert.All(tags, t => Assert.Equal(64, t.GetProperty("digest").GetString()!.Length));
        var models = (await app.GetJsonAsync(client, "/v1/models")).GetProperty("data").EnumerateArray();
        Assert.All(models, m => Assert.False(m.TryGetProperty("status", out _)));
        Assert.All(app.Services.GetRequiredService<ModelResidency>().Snapshot(), entry => Assert.Equal(ModelStatus.Loaded, entry.Status));
    }

    [Fact]
    public async Task TagsListEveryModelWhetherLoadedOrNot()
    {
        await using var app = SimulatorApp.InMemory(("ChatModels:0", "m1"), ("ChatModels:1", "m2"), ("ModelLoadMs", 1_000));
        using var client = app.CreateClient();

        var tags = (await app.GetJsonAsync(client, "/api/tags")).GetProperty("models").EnumerateArray();

        Assert.Equal(["m1", "m2"], tags.Select(t => t.GetProperty("name").GetString()));
        Assert.Empty(await RunningAsync(app, client));
    }

    private static async Task<List<string?>> RunningAsync(SimulatorApp app, HttpClient client) =>
        [.. (await app.GetJsonAsync(client, "/api/ps")).GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString())];

    private static async Task<List<string?>> StatusesAsync(SimulatorApp app, HttpClient client) =>
        [.. (await app.GetJsonAsync(client, "/v1/models")).GetProperty("data").EnumerateArray().Select(m => m.GetProperty("status").GetProperty("value").GetString())];
}
