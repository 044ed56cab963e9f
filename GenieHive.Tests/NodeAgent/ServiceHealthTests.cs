using GenieHive.Contracts;
using GenieHive.NodeAgent.Discovery;
using GenieHive.NodeAgent.Inventory;
using GenieHive.Tests.NodeAgent.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace GenieHive.Tests.NodeAgent;

/// <summary>Discovery passes over configured services: live state, failures kept, unhealthy after N, healthy again.</summary>
public sealed class ServiceHealthTests
{
    private static Dictionary<string, string?> OneService(string endpoint, string discover, string kind = "chat", int unhealthyAfter = 3) => new()
    {
        ["GenieHive:Node:HostId"] = "host-a",
        ["GenieHive:Node:UnhealthyAfterFailures"] = unhealthyAfter.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["GenieHive:Node:Services:0:ServiceId"] = "svc",
        ["GenieHive:Node:Services:0:Kind"] = kind,
        ["GenieHive:Node:Services:0:Endpoint"] = endpoint,
        ["GenieHive:Node:Services:0:Discover"] = discover,
    };

    private static async Task<ServiceLiveState> PassAsync(ServiceProvider services)
    {
        await services.GetRequiredService<ServiceMonitor>().RefreshAsync(TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        return Assert.Single(services.GetRequiredService<NodeInventory>().Services);
    }

    [Fact]
    public async Task StaleConfiguredLoadedFlagIsCorrectedByOllamaPs()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await FakeEngine.StartAsync(EngineShapes.Ollama((["gemma3:4b", "qwen3:8b"], [("qwen3:8b", 5_000_000_000, 8192)])), ct);
        var settings = OneService(engine.Url, "ollama");
        settings["GenieHive:Node:Services:0:Assets:0:AssetId"] = "gemma3:4b";
        settings["GenieHive:Node:Services:0:Assets:0:Loaded"] = "true";
        settings["GenieHive:Node:Services:0:Assets:0:ContextSize"] = "4096";
        settings["GenieHive:Node:Services:0:Assets:1:AssetId"] = "configured-only";
        settings["GenieHive:Node:Services:0:Assets:1:Loaded"] = "true";
        await using var services = AgentHarness.BuildServices(settings);

        var state = await PassAsync(services);

        Assert.Equal(HealthStates.Healthy, state.Health);
        Assert.Equal(["gemma3:4b", "configured-only", "qwen3:8b"], state.Assets.Select(a => a.AssetId));
        Assert.Equal([false, false, true], state.Assets.Select(a => a.Loaded));
        Assert.Equal(4096, state.Assets[0].ContextSize);
        Assert.Equal(8192, state.Assets[2].ContextSize);
        Assert.Equal(1, state.Observed!.LoadedModelCount);
        Assert.Equal(5_000_000_000, state.Observed.VramUsedBytes);
        Assert.Equal("ollama", state.Runtime!.Engine);
    }

    [Fact]
    public async Task LlamaCppLiveStateReachesTheWireShape()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await FakeEngine.StartAsync(EngineShapes.LlamaCpp(processing: 3, deferred: 1), ct);
        var settings = OneService(engine.Url, "llamacpp");
        settings["GenieHive:Node:Services:0:Observed:P50LatencyMs"] = "900";
        settings["GenieHive:Node:Services:0:Observed:QueueDepth"] = "7";
        await using var services = AgentHarness.BuildServices(settings);

        var wire = (await PassAsync(services)).ToRegisteredService("host-a");

        Assert.Equal("healthy", wire.State!.Health);
        Assert.Equal("loaded", wire.State.LoadState);
        Assert.Equal([("tiny", true, (int?)2048)], wire.Assets.Select(a => (a.AssetId, a.Loaded, a.ContextSize)));
        Assert.Equal(3, wire.Observed!.InFlight);
        Assert.Equal(1, wire.Observed.QueueDepth);
        Assert.Equal(900, wire.Observed.P50LatencyMs);
        Assert.Equal(2048, wire.Runtime!.ContextSize);
        Assert.Equal(4, wire.Runtime.Extra!["total_slots"].GetInt32());
    }

    [Fact]
    public async Task DiscoveryFailureKeepsTheLastStateThenMarksUnhealthyAfterNFailuresThenRecovers()
    {
        var ct = TestContext.Current.CancellationToken;
        var engineState = EngineShapes.LlamaCpp(processing: 1);
        await using var engine = await FakeEngine.StartAsync(engineState, ct);
        await using var services = AgentHarness.BuildServices(OneService(engine.Url, "llamacpp", unhealthyAfter: 3));

        var healthy = await PassAsync(services);
        Assert.Equal(HealthStates.Healthy, healthy.Health);

        // /health still answers, but the model list is gone: discovery fails, the last state is kept.
        engineState.Set("/v1/models", "{\"error\":\"boom\"}", status: 500);
        var once = await PassAsync(services);
        var twice = await PassAsync(services);
        Assert.Equal(HealthStates.Healthy, twice.Health);
        Assert.Equal(2, twice.ConsecutiveFailures);
        Assert.Equal(healthy.Assets, twice.Assets);
        Assert.Equal(1, twice.Observed!.InFlight);
        Assert.Contains("/v1/models answered 500", once.LastFailure, StringComparison.Ordinal);

        var third = await PassAsync(services);
        Assert.Equal(HealthStates.Unhealthy, third.Health);
        Assert.Contains("3 or more failed probes in a row", third.Detail, StringComparison.Ordinal);
        Assert.Equal("unhealthy", third.ToRegisteredService("host-a").State!.Health);
        Assert.Equal(healthy.Assets, third.Assets);

        engineState.Set("/v1/models", EngineShapes.LlamaCppModels());
        var recovered = await PassAsync(services);
        Assert.Equal(HealthStates.Healthy, recovered.Health);
        Assert.Null(recovered.Detail);
        Assert.Equal(0, recovered.ConsecutiveFailures);
    }

    [Fact]
    public async Task AnUnreachableEngineBecomesUnhealthyOnlyAfterNFailures()
    {
        var ct = TestContext.Current.CancellationToken;
        var engine = await FakeEngine.StartAsync(EngineShapes.Vllm(), ct);
        await using var services = AgentHarness.BuildServices(OneService(engine.Url, "vllm", unhealthyAfter: 2));
        Assert.Equal(HealthStates.Healthy, (await PassAsync(services)).Health);

        await engine.DisposeAsync();
        var first = await PassAsync(services);
        Assert.Equal(HealthStates.Healthy, first.Health);
        Assert.Contains("connection refused", first.LastFailure, StringComparison.Ordinal);
        var down = await PassAsync(services);

        Assert.Equal(HealthStates.Unhealthy, down.Health);
        Assert.Contains("2 or more failed probes in a row", down.Detail, StringComparison.Ordinal);
        var later = await PassAsync(services);
        Assert.Equal(down.Detail, later.Detail);
        Assert.Equal(3, later.ConsecutiveFailures);
        Assert.Equal([("Qwen/Qwen3-0.6B", true)], down.Assets.Select(a => (a.AssetId, a.Loaded)));
    }

    [Fact]
    public async Task AnEngineAnsweringAnErrorOnHealthIsUnhealthyAtOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var engineState = EngineShapes.Vllm();
        await using var engine = await FakeEngine.StartAsync(engineState, ct);
        await using var services = AgentHarness.BuildServices(OneService(engine.Url, "vllm", unhealthyAfter: 3));

        engineState.Broken = true;
        var broken = await PassAsync(services);

        Assert.Equal(HealthStates.Unhealthy, broken.Health);
        Assert.Contains("GET /health answered 500", broken.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LlamaCppLoadingIsUnhealthyAtOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        var engineState = EngineShapes.LlamaCpp();
        engineState.Set("/health", EngineShapes.LlamaCppLoading503, status: 503);
        engineState.Set("/v1/models", EngineShapes.LlamaCppLoading503, status: 503);
        await using var engine = await FakeEngine.StartAsync(engineState, ct);
        await using var services = AgentHarness.BuildServices(OneService(engine.Url, "llamacpp", unhealthyAfter: 3));

        var loading = await PassAsync(services);

        Assert.Equal(HealthStates.Unhealthy, loading.Health);
        Assert.Equal("loading", loading.Detail);

        engineState.Set("/health", EngineShapes.HealthOk);
        engineState.Set("/v1/models", EngineShapes.LlamaCppModels());
        Assert.Equal(HealthStates.Healthy, (await PassAsync(services)).Health);
    }

    [Fact]
    public async Task AServiceWithoutDiscoveryFallsBackFromHealthToModelsToRoot()
    {
        var ct = TestContext.Current.CancellationToken;
        var whisper = new FakeEngineState();
        whisper.Set("/", "<html><title>Whisper.cpp Server</title></html>", contentType: "text/html");
        await using var engine = await FakeEngine.StartAsync(whisper, ct);
        var settings = OneService(engine.Url + "/", "none", kind: "transcription");
        settings["GenieHive:Node:Services:0:Assets:0:AssetId"] = "whisper-small";
        await using var services = AgentHarness.BuildServices(settings);

        var state = await PassAsync(services);

        Assert.Equal(HealthStates.Healthy, state.Health);
        Assert.Equal(engine.Url, state.Definition.Endpoint);
        Assert.Equal(1, whisper.Hits("/health"));
        Assert.Equal(1, whisper.Hits("/v1/models"));
        Assert.Equal(1, whisper.Hits("/"));
        Assert.Equal(["whisper-small"], state.Assets.Select(a => a.AssetId));
    }

    [Fact]
    public async Task OllamaHealthIsProbedAtItsRoot()
    {
        var ct = TestContext.Current.CancellationToken;
        var ollama = EngineShapes.Ollama((["gemma3:4b"], []));
        await using var engine = await FakeEngine.StartAsync(ollama, ct);
        await using var services = AgentHarness.BuildServices(OneService(engine.Url, "ollama"));

        Assert.Equal(HealthStates.Healthy, (await PassAsync(services)).Health);
        Assert.Equal(1, ollama.Hits("/"));
        Assert.Equal(0, ollama.Hits("/health"));
    }

    [Fact]
    public async Task AModelTheEngineStopsListingDisappearsUnlessConfigured()
    {
        var ct = TestContext.Current.CancellationToken;
        var engineState = new FakeEngineState();
        engineState.Set("/health", EngineShapes.HealthOk);
        engineState.Set("/v1/models", """{"object":"list","data":[{"id":"a"},{"id":"b"}]}""");
        await using var engine = await FakeEngine.StartAsync(engineState, ct);
        var settings = OneService(engine.Url, "openai");
        settings["GenieHive:Node:Services:0:Assets:0:AssetId"] = "a";
        await using var services = AgentHarness.BuildServices(settings);
        Assert.Equal(["a", "b"], (await PassAsync(services)).Assets.Select(a => a.AssetId));

        engineState.Set("/v1/models", """{"object":"list","data":[{"id":"c"}]}""");
        var after = await PassAsync(services);

        Assert.Equal(["a", "c"], after.Assets.Select(a => a.AssetId));
        Assert.Equal(["c"], after.DiscoveredAssetIds);
    }
}
