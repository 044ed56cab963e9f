using GenieHive.NodeAgent.Discovery;
using GenieHive.NodeAgent.Inventory;
using GenieHive.Tests.NodeAgent.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GenieHive.Tests.NodeAgent;

/// <summary>Zero-configuration start: probing the usual ports (here, fake engines on free ports) when no service is configured.</summary>
public sealed class AutoDiscoveryTests
{
    private static async Task<string> DeadEndpointAsync(CancellationToken ct)
    {
        await using var dead = await FakeEngine.StartAsync(new FakeEngineState(), ct);
        return dead.Url;
    }

    private static Dictionary<string, string?> ZeroConfig(params (string Engine, string Endpoint)[] candidates)
    {
        var settings = new Dictionary<string, string?>
        {
            ["GenieHive:Node:HostId"] = "zc",
            ["GenieHive:Node:AutoDiscover"] = "true",
        };
        for (var i = 0; i < candidates.Length; i++)
        {
            settings[$"GenieHive:Node:AutoDiscoverEndpoints:{i}:Engine"] = candidates[i].Engine;
            settings[$"GenieHive:Node:AutoDiscoverEndpoints:{i}:Endpoint"] = candidates[i].Endpoint;
        }

        return settings;
    }

    private static async Task<IReadOnlyList<ServiceLiveState>> PassAsync(ServiceProvider services)
    {
        var ct = TestContext.Current.CancellationToken;
        await services.GetRequiredService<ServiceMonitor>().RefreshAsync(ct).WaitAsync(TimeSpan.FromSeconds(30), ct);
        return services.GetRequiredService<NodeInventory>().Services;
    }

    [Fact]
    public async Task ZeroConfigurationFindsAnEngineOnAProbedPort()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ollama = await FakeEngine.StartAsync(EngineShapes.Ollama((["gemma3:4b"], [("gemma3:4b", 3_000_000_000, 4096)])), ct);
        var dead = await DeadEndpointAsync(ct);
        await using var services = AgentHarness.BuildServices(ZeroConfig(("ollama", ollama.Url), ("llamacpp", dead), ("vllm", dead)));

        var found = Assert.Single(await PassAsync(services));

        Assert.Equal("zc-ollama", found.ServiceId);
        Assert.Equal("chat", found.Definition.Kind);
        Assert.Equal("ollama", found.Definition.Discover);
        Assert.Equal(ollama.Url, found.Definition.Endpoint);
        Assert.True(found.Definition.AutoDiscovered);
        Assert.Equal("healthy", found.Health);
        Assert.Equal([("gemma3:4b", true)], found.Assets.Select(a => (a.AssetId, a.Loaded)));
    }

    [Fact]
    public async Task AnEngineStartedLaterIsFoundOnALaterPass()
    {
        var ct = TestContext.Current.CancellationToken;
        var llama = EngineShapes.LlamaCpp();
        llama.NotAnEngine = true;
        await using var engine = await FakeEngine.StartAsync(llama, ct);
        await using var services = AgentHarness.BuildServices(ZeroConfig(("llamacpp", engine.Url)));

        Assert.Empty(await PassAsync(services));
        Assert.Empty(await PassAsync(services));

        llama.NotAnEngine = false;
        var found = Assert.Single(await PassAsync(services));

        Assert.Equal("zc-llamacpp", found.ServiceId);
        Assert.Equal(["tiny"], found.Assets.Select(a => a.AssetId));
        Assert.Equal("llama.cpp", found.Runtime!.Engine);
    }

    [Fact]
    public async Task TwoCandidatesOfOneEngineGetIdsWithTheirPorts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var first = await FakeEngine.StartAsync(EngineShapes.Vllm(), ct);
        await using var second = await FakeEngine.StartAsync(EngineShapes.Vllm(), ct);
        await using var services = AgentHarness.BuildServices(ZeroConfig(("vllm", first.Url), ("vllm", second.Url)));

        var found = await PassAsync(services);

        Assert.Equal(
            new[] { $"zc-vllm-{new Uri(first.Url).Port}", $"zc-vllm-{new Uri(second.Url).Port}" }.Order(StringComparer.Ordinal),
            found.Select(s => s.ServiceId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ConfiguredServicesTurnZeroConfigurationOff()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var ollama = await FakeEngine.StartAsync(EngineShapes.Ollama((["gemma3:4b"], [])), ct);
        var settings = ZeroConfig(("ollama", ollama.Url));
        settings["GenieHive:Node:Services:0:ServiceId"] = "configured";
        settings["GenieHive:Node:Services:0:Kind"] = "embeddings";
        settings["GenieHive:Node:Services:0:Endpoint"] = ollama.Url;
        await using var services = AgentHarness.BuildServices(settings);

        var only = Assert.Single(await PassAsync(services));

        Assert.Equal("configured", only.ServiceId);
        Assert.Equal(0, ollama.State.Hits("/api/tags"));
    }

    [Fact]
    public async Task AZeroConfigurationAgentRegistersWhatItFinds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await FakeEngine.StartAsync(EngineShapes.LlamaCpp(), ct);
        await using var control = await FakeControl.StartAsync(ct);
        var settings = ZeroConfig(("llamacpp", engine.Url));
        settings["services:control:http:0"] = control.Url;
        await using var factory = AgentHarness.CreateFactory(settings, new FakeTimeProvider());
        using var client = factory.CreateClient();

        await AgentHarness.WaitUntilAsync(() => control.Registrations.Count == 1, "the registration");

        var service = Assert.Single(control.Registrations[0].Body["services"]!.AsArray())!;
        Assert.Equal("zc-llamacpp", service["service_id"]!.GetValue<string>());
        Assert.Equal("chat", service["kind"]!.GetValue<string>());
        Assert.Equal("tiny", service["assets"]![0]!["asset_id"]!.GetValue<string>());
    }
}
