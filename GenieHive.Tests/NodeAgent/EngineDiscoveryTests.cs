using GenieHive.NodeAgent.Discovery;
using Microsoft.AspNetCore.Builder;
using GenieHive.Tests.NodeAgent.Fakes;

namespace GenieHive.Tests.NodeAgent;

/// <summary>Each discoverer against a fake engine answering with the engine's real shapes.</summary>
public sealed class EngineDiscoveryTests : IDisposable
{
    private readonly EngineHttpClient _http = new(new HttpClient(), TimeProvider.System, TimeSpan.FromSeconds(5));

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task OllamaListsTagsAndMarksWhatPsHasLoadedWithVramAndContext()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await FakeEngine.StartAsync(
            EngineShapes.Ollama((["gemma3:4b", "qwen3:8b", "nomic-embed-text:latest"], [("qwen3:8b", 5_000_000_000, 8192)])), ct);

        var outcome = await new OllamaDiscoverer(_http).DiscoverAsync(engine.Url, ct);

        var report = Assert.IsType<EngineReport>(outcome.Report);
        Assert.Equal(
            [new DiscoveredAsset("gemma3:4b", false), new DiscoveredAsset("qwen3:8b", true, 8192), new DiscoveredAsset("nomic-embed-text:latest", false)],
            report.Assets);
        Assert.True(report.LoadedIsAuthoritative);
        Assert.Equal(1, report.LoadedModelCount);
        Assert.Equal(5_000_000_000, report.VramUsedBytes);
        Assert.Equal(1, engine.State.Hits("/api/tags"));
        Assert.Equal(1, engine.State.Hits("/api/ps"));
    }

    [Fact]
    public async Task OllamaWithNothingLoadedReportsZeroVram()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await FakeEngine.StartAsync(EngineShapes.Ollama((["gemma3:4b"], [])), ct);

        var report = (await new OllamaDiscoverer(_http).DiscoverAsync(engine.Url, ct)).Report!;

        Assert.Equal([new DiscoveredAsset("gemma3:4b", false)], report.Assets);
        Assert.Equal(0, report.LoadedModelCount);
        Assert.Equal(0, report.VramUsedBytes);
    }

    [Fact]
    public async Task OllamaWithoutPsFailsInsteadOfGuessing()
    {
        var ct = TestContext.Current.CancellationToken;
        var state = EngineShapes.Ollama((["gemma3:4b"], []));
        state.Remove("/api/ps");
        await using var engine = await FakeEngine.StartAsync(state, ct);

        var outcome = await new OllamaDiscoverer(_http).DiscoverAsync(engine.Url, ct);

        Assert.True(outcome.Failed);
        Assert.Contains("/api/ps answered 404", outcome.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAiListsModelsAsLoaded()
    {
        var ct = TestContext.Current.CancellationToken;
        var state = new FakeEngineState();
        state.Set("/v1/models", """{"object":"list","data":[{"id":"llamafile-7b","object":"model","owned_by":"me"},{"id":"other","object":"model"}]}""");
        await using var engine = await FakeEngine.StartAsync(state, ct);

        var report = (await new OpenAiDiscoverer(_http).DiscoverAsync(engine.Url, ct)).Report!;

        Assert.Equal([new DiscoveredAsset("llamafile-7b", true), new DiscoveredAsset("other", true)], report.Assets);
    }

    [Fact]
    public async Task VllmReadsMaxModelLenAndSumsLabelledGauges()
    {
        var ct = TestContext.Current.CancellationToken;
        var state = EngineShapes.Vllm();
        state.Set("/v1/models", EngineShapes.VllmModels(("Qwen/Qwen3-0.6B", 40960), ("Qwen/Qwen3-0.6B-lora", 32768)));
        state.Set("/metrics", EngineShapes.VllmMetrics(("Qwen/Qwen3-0.6B", 3, 2), ("Qwen/Qwen3-0.6B-lora", 1, 4)), contentType: "text/plain");
        await using var engine = await FakeEngine.StartAsync(state, ct);

        var report = (await new VllmDiscoverer(_http).DiscoverAsync(engine.Url, ct)).Report!;

        Assert.Equal(
            [new DiscoveredAsset("Qwen/Qwen3-0.6B", true, 40960), new DiscoveredAsset("Qwen/Qwen3-0.6B-lora", true, 32768)],
            report.Assets);
        Assert.Equal(4, report.InFlight);
        Assert.Equal(6, report.QueueDepth);
        Assert.Equal(40960, report.ContextSize);
    }

    [Fact]
    public async Task VllmWithoutMetricsStillListsModels()
    {
        var ct = TestContext.Current.CancellationToken;
        var state = EngineShapes.Vllm();
        state.Remove("/metrics");
        await using var engine = await FakeEngine.StartAsync(state, ct);

        var report = (await new VllmDiscoverer(_http).DiscoverAsync(engine.Url, ct)).Report!;

        Assert.Equal([new DiscoveredAsset("Qwen/Qwen3-0.6B", true, 40960)], report.Assets);
        Assert.Null(report.InFlight);
        Assert.Null(report.QueueDepth);
    }

    [Fact]
    public async Task LlamaCppReadsSlotContextSlotsAndMetrics()
    {
        var ct = TestContext.Current.CancellationToken;
        var state = EngineShapes.LlamaCpp(processing: 2, deferred: 3);
        state.Set("/props", EngineShapes.LlamaCppProps(nCtx: 1024, totalSlots: 4));
        await using var engine = await FakeEngine.StartAsync(state, ct);

        var report = (await new LlamaCppDiscoverer(_http).DiscoverAsync(engine.Url, ct)).Report!;

        Assert.Equal([new DiscoveredAsset("tiny", true, 1024)], report.Assets);
        Assert.Equal(1024, report.ContextSize);
        Assert.Equal(4, report.TotalSlots);
        Assert.Equal(2, report.InFlight);
        Assert.Equal(3, report.QueueDepth);
        Assert.Equal("llama.cpp", report.Engine);
    }

    [Fact]
    public async Task LlamaCppWithMetricsDisabledCountsBusySlots()
    {
        var ct = TestContext.Current.CancellationToken;
        var state = EngineShapes.LlamaCpp();
        state.Set("/metrics", EngineShapes.LlamaCppNotSupported501Metrics, status: 501);
        state.Set("/slots", EngineShapes.LlamaCppSlots(2048, true, false, true, false));
        await using var engine = await FakeEngine.StartAsync(state, ct);

        var report = (await new LlamaCppDiscoverer(_http).DiscoverAsync(engine.Url, ct)).Report!;

        Assert.Equal(2, report.InFlight);
        Assert.Null(report.QueueDepth);
        Assert.Equal(2048, report.ContextSize);
    }

    [Fact]
    public async Task LlamaCppWithSlotsMetricsAndPropsUnavailableUsesTheModelList()
    {
        var ct = TestContext.Current.CancellationToken;
        var state = EngineShapes.LlamaCpp();
        state.Set("/metrics", EngineShapes.LlamaCppNotSupported501Metrics, status: 501);
        state.Set("/slots", EngineShapes.LlamaCppNotSupported501Slots, status: 501);
        state.Remove("/props");
        state.Set("/v1/models", EngineShapes.LlamaCppModels(alias: "/models/qwen3-8b-q4_k_m.gguf", nCtx: 0, nCtxTrain: 40960));
        await using var engine = await FakeEngine.StartAsync(state, ct);

        var outcome = await new LlamaCppDiscoverer(_http).DiscoverAsync(engine.Url, ct);

        var report = Assert.IsType<EngineReport>(outcome.Report);
        Assert.Equal([new DiscoveredAsset("/models/qwen3-8b-q4_k_m.gguf", true, 40960)], report.Assets);
        Assert.Null(report.InFlight);
        Assert.Null(report.QueueDepth);
        Assert.Null(report.TotalSlots);
    }

    [Fact]
    public async Task LlamaCppRouterModeMarksUnloadedModels()
    {
        var ct = TestContext.Current.CancellationToken;
        var state = EngineShapes.LlamaCpp();
        state.Set("/v1/models", """
            {"object":"list","data":[
              {"id":"qwen3-8b","object":"model","owned_by":"llamacpp","status":{"value":"loaded","args":["llama-server","-m","q.gguf"]}},
              {"id":"gemma3-4b","object":"model","owned_by":"llamacpp","status":{"value":"unloaded"}}]}
            """);
        await using var engine = await FakeEngine.StartAsync(state, ct);

        var report = (await new LlamaCppDiscoverer(_http).DiscoverAsync(engine.Url, ct)).Report!;

        Assert.Equal([true, false], report.Assets.Select(a => a.Loaded));
        Assert.Equal(1, report.LoadedModelCount);
    }

    [Fact]
    public async Task AnEngineThatIsDownFailsWithAReason()
    {
        var ct = TestContext.Current.CancellationToken;
        string url;
        await using (var engine = await FakeEngine.StartAsync(EngineShapes.LlamaCpp(), ct))
        {
            url = engine.Url;
        }

        var outcome = await new LlamaCppDiscoverer(_http).DiscoverAsync(url, ct);

        Assert.True(outcome.Failed);
        Assert.Contains("GET /v1/models failed", outcome.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASlowEngineTimesOutWithinTheProbeTimeout()
    {
        var ct = TestContext.Current.CancellationToken;
        using var quick = new EngineHttpClient(new HttpClient(), TimeProvider.System, TimeSpan.FromMilliseconds(200));
        await using var server = await FakeServer.StartAsync(
            app => ((IApplicationBuilder)app).Run(async context => await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted)), ct);

        var started = System.Diagnostics.Stopwatch.StartNew();
        var outcome = await new OpenAiDiscoverer(quick).DiscoverAsync(server.Url, ct).WaitAsync(TimeSpan.FromSeconds(10), ct);

        Assert.Contains("timed out", outcome.Failure, StringComparison.Ordinal);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5));
    }
}
