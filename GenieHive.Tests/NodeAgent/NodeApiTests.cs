using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GenieHive.Tests.NodeAgent.Fakes;
using Microsoft.Extensions.Options;

namespace GenieHive.Tests.NodeAgent;

/// <summary><c>/v1/node/*</c> and configuration, in-process over <c>WebApplicationFactory</c>.</summary>
public sealed class NodeApiTests
{
    private const string NodeKey = "node-secret-do-not-show";

    private static Dictionary<string, string?> ConfiguredHost(string chatEndpoint, string embedEndpoint) => new()
    {
        ["GenieHive:Node:HostId"] = "atlas-01",
        ["GenieHive:Node:DisplayName"] = "Atlas 01",
        ["GenieHive:Node:Address"] = "192.0.2.10",
        ["GenieHive:Node:Labels:gpu"] = "rtx4090",
        ["GenieHive:Node:Labels:rack"] = "b2",
        ["GenieHive:Node:NodeApiKey"] = NodeKey,
        ["GenieHive:Node:Services:0:ServiceId"] = "atlas-qwen",
        ["GenieHive:Node:Services:0:Kind"] = "Chat",
        ["GenieHive:Node:Services:0:Endpoint"] = chatEndpoint,
        ["GenieHive:Node:Services:0:Assets:0:AssetId"] = "qwen3-8b-q4km",
        ["GenieHive:Node:Services:0:Assets:0:Loaded"] = "true",
        ["GenieHive:Node:Services:0:Assets:0:ContextSize"] = "32768",
        ["GenieHive:Node:Services:0:Assets:0:MaxContextTokens"] = "40960",
        ["GenieHive:Node:Services:0:Runtime:Engine"] = "llama.cpp",
        ["GenieHive:Node:Services:0:Runtime:Launcher"] = "systemd",
        ["GenieHive:Node:Services:0:Runtime:ContextSize"] = "32768",
        ["GenieHive:Node:Services:0:Runtime:Quantization"] = "Q4_K_M",
        ["GenieHive:Node:Services:0:Runtime:Parallel"] = "4",
        ["GenieHive:Node:Services:0:Observed:P50LatencyMs"] = "900",
        ["GenieHive:Node:Services:0:Observed:TokensPerSec"] = "40",
        ["GenieHive:Node:Services:1:ServiceId"] = "atlas-embed",
        ["GenieHive:Node:Services:1:Kind"] = "embeddings",
        ["GenieHive:Node:Services:1:Endpoint"] = embedEndpoint + "/",
        ["GenieHive:Node:Services:1:Assets:0:AssetId"] = "bge-small-en",
        ["GenieHive:Node:Services:1:State:Availability"] = "draining",
    };

    [Fact]
    public async Task RegistrationPayloadComesFromConfiguration()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await FakeEngine.StartAsync(EngineShapes.LlamaCpp(), ct);
        await using var factory = AgentHarness.CreateFactory(ConfiguredHost(engine.Url, engine.Url));
        using var client = factory.CreateClient();

        var registration = (await client.GetFromJsonAsync<JsonObject>("/v1/node/registration", ct))!;

        Assert.Equal("atlas-01", registration["host_id"]!.GetValue<string>());
        Assert.Equal("Atlas 01", registration["display_name"]!.GetValue<string>());
        Assert.Equal("192.0.2.10", registration["address"]!.GetValue<string>());
        Assert.Equal("rtx4090", registration["labels"]!["gpu"]!.GetValue<string>());
        Assert.Equal("b2", registration["labels"]!["rack"]!.GetValue<string>());
        Assert.True(registration["capabilities"]!["chat"]!.GetValue<bool>());
        Assert.True(registration["capabilities"]!["embeddings"]!.GetValue<bool>());
        Assert.False(registration["capabilities"]!["transcription"]!.GetValue<bool>());
        Assert.True(registration["resources"]!["cpu_threads"]!.GetValue<int>() > 0);

        var services = registration["services"]!.AsArray();
        Assert.Equal(2, services.Count);
        var chat = services[0]!;
        Assert.Equal("atlas-qwen", chat["service_id"]!.GetValue<string>());
        Assert.Equal("atlas-01", chat["host_id"]!.GetValue<string>());
        Assert.Equal("chat", chat["kind"]!.GetValue<string>());
        Assert.Equal("openai", chat["protocol"]!.GetValue<string>());
        Assert.Equal(engine.Url, chat["endpoint"]!.GetValue<string>());
        var asset = chat["assets"]!.AsArray().Single()!;
        Assert.Equal("qwen3-8b-q4km", asset["asset_id"]!.GetValue<string>());
        Assert.True(asset["loaded"]!.GetValue<bool>());
        Assert.Equal(32768, asset["context_size"]!.GetValue<int>());
        Assert.Equal(40960, asset["max_context_tokens"]!.GetValue<int>());
        Assert.Equal("llama.cpp", chat["runtime"]!["engine"]!.GetValue<string>());
        Assert.Equal("systemd", chat["runtime"]!["launcher"]!.GetValue<string>());
        Assert.Equal(32768, chat["runtime"]!["context_size"]!.GetValue<int>());
        Assert.Equal("Q4_K_M", chat["runtime"]!["quantization"]!.GetValue<string>());
        Assert.Equal(4, chat["runtime"]!["parallel"]!.GetValue<double>());
        Assert.Equal(900, chat["observed"]!["p50_latency_ms"]!.GetValue<double>());
        Assert.Equal(40, chat["observed"]!["tokens_per_sec"]!.GetValue<double>());
        Assert.Equal("available", chat["state"]!["availability"]!.GetValue<string>());
        Assert.True(chat["state"]!["accept_requests"]!.GetValue<bool>());

        var embed = services[1]!;
        Assert.Equal("embeddings", embed["kind"]!.GetValue<string>());
        Assert.Equal(engine.Url, embed["endpoint"]!.GetValue<string>());
        Assert.Equal("draining", embed["state"]!["availability"]!.GetValue<string>());
    }

    [Fact]
    public async Task InventoryShowsLiveHealthFromTheProbes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await FakeEngine.StartAsync(EngineShapes.LlamaCpp(), ct);
        string deadEndpoint;
        await using (var dead = await FakeEngine.StartAsync(new FakeEngineState(), ct))
        {
            deadEndpoint = dead.Url;
        }

        var settings = ConfiguredHost(engine.Url, deadEndpoint);
        settings["GenieHive:Node:UnhealthyAfterFailures"] = "1";
        await using var factory = AgentHarness.CreateFactory(settings);
        using var client = factory.CreateClient();

        JsonArray services = [];
        await AgentHarness.WaitUntilAsync(
            async () =>
            {
                services = (await client.GetFromJsonAsync<JsonObject>("/v1/node/inventory", ct))!["services"]!.AsArray();
                return services[0]!["state"]!["health"]!.GetValue<string>() == "healthy"
                    && services[1]!["state"]!["health"]!.GetValue<string>() == "unhealthy";
            },
            "the first probes to conclude");

        Assert.Null(services[0]!["state"]!["detail"]);
        Assert.Contains("connection refused", services[1]!["state"]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoEndpointRevealsTheNodeKey()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await FakeEngine.StartAsync(EngineShapes.LlamaCpp(), ct);
        await using var factory = AgentHarness.CreateFactory(ConfiguredHost(engine.Url, engine.Url));
        using var client = factory.CreateClient();

        foreach (var path in new[] { "/v1/node/inventory", "/v1/node/registration", "/v1/node/status", "/health" })
        {
            var response = await client.GetAsync(path, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.DoesNotContain(NodeKey, await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DefaultsAreTheMachineNameAndLoopback()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var factory = AgentHarness.CreateFactory(new Dictionary<string, string?>());
        using var client = factory.CreateClient();

        var registration = (await client.GetFromJsonAsync<JsonObject>("/v1/node/registration", ct))!;
        var status = (await client.GetFromJsonAsync<JsonObject>("/v1/node/status", ct))!;

        Assert.Equal(Environment.MachineName, registration["host_id"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", registration["address"]!.GetValue<string>());
        Assert.Empty(registration["services"]!.AsArray());
        Assert.False(status["control_configured"]!.GetValue<bool>());
        Assert.False(status["registered"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("GenieHive:Node:Services:0:Kind", "video", "Kind must be chat, embeddings, transcription or rerank")]
    [InlineData("GenieHive:Node:Services:0:Endpoint", "not a url", "Endpoint must be an absolute http(s) URL")]
    [InlineData("GenieHive:Node:Services:0:Discover", "magic", "Discover must be one of")]
    [InlineData("GenieHive:Node:Services:0:ServiceId", "", "ServiceId is required")]
    [InlineData("GenieHive:Node:HeartbeatIntervalSeconds", "0", "HeartbeatIntervalSeconds")]
    public async Task InvalidConfigurationFailsAtStart(string key, string value, string message)
    {
        var settings = new Dictionary<string, string?>
        {
            ["GenieHive:Node:Services:0:ServiceId"] = "svc",
            ["GenieHive:Node:Services:0:Kind"] = "chat",
            ["GenieHive:Node:Services:0:Endpoint"] = "http://127.0.0.1:9",
            [key] = value,
        };
        using var host = AgentHarness.BuildHost(settings);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(error.Failures, failure => failure.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TwoServicesWithOneIdAreRefused()
    {
        var settings = new Dictionary<string, string?>
        {
            ["GenieHive:Node:Services:0:ServiceId"] = "svc",
            ["GenieHive:Node:Services:0:Kind"] = "chat",
            ["GenieHive:Node:Services:0:Endpoint"] = "http://127.0.0.1:9",
            ["GenieHive:Node:Services:1:ServiceId"] = "svc",
            ["GenieHive:Node:Services:1:Kind"] = "embeddings",
            ["GenieHive:Node:Services:1:Endpoint"] = "http://127.0.0.1:9",
        };
        using var host = AgentHarness.BuildHost(settings);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(error.Failures, failure => failure.Contains("'svc' is used by another service", StringComparison.Ordinal));
    }
}
