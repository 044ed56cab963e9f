using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GenieHive.Tests.NodeAgent.Fakes;
using Microsoft.Extensions.Time.Testing;

namespace GenieHive.Tests.NodeAgent;

/// <summary>The register/heartbeat loop of an in-process agent against a fake Control, on fake time.</summary>
public sealed class HeartbeatTests
{
    private const string NodeKey = "node-key-for-tests";
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(5);

    private static Dictionary<string, string?> Settings(string controlUrl, string engineUrl) => new()
    {
        ["services:control:http:0"] = controlUrl,
        ["GenieHive:Node:HostId"] = "hb-host",
        ["GenieHive:Node:NodeApiKey"] = NodeKey,
        ["GenieHive:Node:HeartbeatIntervalSeconds"] = "5",
        ["GenieHive:Node:Services:0:ServiceId"] = "hb-chat",
        ["GenieHive:Node:Services:0:Kind"] = "chat",
        ["GenieHive:Node:Services:0:Endpoint"] = engineUrl,
        ["GenieHive:Node:Services:0:Discover"] = "llamacpp",
        ["GenieHive:Node:Services:0:Observed:P50LatencyMs"] = "250",
    };

    [Fact]
    public async Task RegistersAtStartThenHeartbeatsCarryLiveStateAndTheNodeKey()
    {
        var ct = TestContext.Current.CancellationToken;
        var engineState = EngineShapes.LlamaCpp();
        await using var engine = await FakeEngine.StartAsync(engineState, ct);
        await using var control = await FakeControl.StartAsync(ct);
        var time = new FakeTimeProvider();
        await using var factory = AgentHarness.CreateFactory(Settings(control.Url, engine.Url), time);
        using var client = factory.CreateClient();

        await AgentHarness.WaitUntilAsync(() => control.Registrations.Count == 1, "the registration");
        var registration = control.Registrations[0];
        Assert.Equal(NodeKey, registration.NodeKey);
        var service = registration.Body["services"]![0]!;
        Assert.Equal("healthy", service["state"]!["health"]!.GetValue<string>());
        Assert.Equal("tiny", service["assets"]![0]!["asset_id"]!.GetValue<string>());
        Assert.Equal(registration.Body.ToJsonString(), (await client.GetFromJsonAsync<JsonObject>("/v1/node/registration", ct))!.ToJsonString());

        engineState.Set("/metrics", EngineShapes.LlamaCppMetrics(processing: 2, deferred: 5), contentType: "text/plain");
        await AgentHarness.AdvanceUntilAsync(
            time, s_interval, () => control.Heartbeats.Any(h => h.Body["services"]?[0]?["observed"]?["queue_depth"]?.GetValue<int>() == 5), "a heartbeat with the new queue depth");

        var heartbeat = control.Heartbeats.Last();
        Assert.Equal(NodeKey, heartbeat.NodeKey);
        Assert.Equal("hb-host", heartbeat.Body["host_id"]!.GetValue<string>());
        Assert.Equal("online", heartbeat.Body["status"]!["state"]!.GetValue<string>());
        Assert.Equal(1, heartbeat.Body["metrics"]!["service_count"]!.GetValue<int>());
        Assert.Equal(1, heartbeat.Body["metrics"]!["healthy_service_count"]!.GetValue<int>());
        Assert.Equal(1, heartbeat.Body["metrics"]!["discovered_model_count"]!.GetValue<int>());
        var observed = heartbeat.Body["services"]![0]!["observed"]!;
        Assert.Equal(2, observed["in_flight"]!.GetValue<int>());
        Assert.Equal(250, observed["p50_latency_ms"]!.GetValue<double>());
        Assert.Single(control.Registrations);
    }

    [Fact]
    public async Task AHeartbeatCarriesAModelThatWasLoadedAfterRegistration()
    {
        var ct = TestContext.Current.CancellationToken;
        var engineState = EngineShapes.Ollama((["gemma3:4b", "qwen3:8b"], []));
        await using var engine = await FakeEngine.StartAsync(engineState, ct);
        await using var control = await FakeControl.StartAsync(ct);
        var settings = Settings(control.Url, engine.Url);
        settings["GenieHive:Node:Services:0:Discover"] = "ollama";
        var time = new FakeTimeProvider();
        await using var factory = AgentHarness.CreateFactory(settings, time);
        using var client = factory.CreateClient();
        await AgentHarness.WaitUntilAsync(() => control.Registrations.Count == 1, "the registration");
        Assert.All(control.Registrations[0].Body["services"]![0]!["assets"]!.AsArray(), a => Assert.False(a!["loaded"]!.GetValue<bool>()));

        engineState.Set("/api/ps", EngineShapes.OllamaPs(("qwen3:8b", 5_000_000_000, 8192)));
        await AgentHarness.AdvanceUntilAsync(
            time,
            s_interval,
            () => control.Heartbeats.Any(h => h.Body["services"]?[0]?["assets"]?.AsArray().Any(a => a!["asset_id"]!.GetValue<string>() == "qwen3:8b" && a["loaded"]!.GetValue<bool>()) == true),
            "a heartbeat with qwen3:8b loaded");

        var observed = control.Heartbeats.Last().Body["services"]![0]!["observed"]!;
        Assert.Equal(5_000_000_000, observed["vram_used_bytes"]!.GetValue<long>());
    }

    [Fact]
    public async Task ReRegistersWhenAHeartbeatGets404()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await FakeEngine.StartAsync(EngineShapes.LlamaCpp(), ct);
        await using var control = await FakeControl.StartAsync(ct);
        var time = new FakeTimeProvider();
        await using var factory = AgentHarness.CreateFactory(Settings(control.Url, engine.Url), time);
        using var client = factory.CreateClient();
        await AgentHarness.WaitUntilAsync(() => control.Registrations.Count == 1, "the registration");
        await AgentHarness.AdvanceUntilAsync(time, s_interval, () => control.Heartbeats.Count >= 1, "a first heartbeat");

        control.ForgetHosts();
        var heartbeatsBefore = control.Heartbeats.Count;
        await AgentHarness.AdvanceUntilAsync(
            time, s_interval, () => control.Registrations.Count == 2 && control.Heartbeats.Count >= heartbeatsBefore + 2, "a re-registration and the heartbeat after it");

        Assert.Equal(NodeKey, control.Registrations[1].NodeKey);
        var status = (await client.GetFromJsonAsync<JsonObject>("/v1/node/status", ct))!;
        Assert.True(status["registered"]!.GetValue<bool>());
        Assert.Equal(2, status["registrations"]!.GetValue<int>());
        Assert.Equal("ok", status["last_outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task KeepsHeartbeatingThroughAControlOutage()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await FakeEngine.StartAsync(EngineShapes.LlamaCpp(), ct);
        await using var control = await FakeControl.StartAsync(ct);
        var time = new FakeTimeProvider();
        await using var factory = AgentHarness.CreateFactory(Settings(control.Url, engine.Url), time);
        using var client = factory.CreateClient();
        await AgentHarness.WaitUntilAsync(() => control.Registrations.Count == 1, "the registration");

        control.Down = true;
        var failures = 0;
        await AgentHarness.AdvanceUntilAsync(
            time,
            s_interval,
            async () =>
            {
                var status = (await client.GetFromJsonAsync<JsonObject>("/v1/node/status", ct))!;
                failures = status["consecutive_failures"]!.GetValue<int>();
                return failures >= 3;
            },
            "three failed heartbeats");
        Assert.True((await client.GetAsync("/health", ct)).IsSuccessStatusCode);

        control.Down = false;
        var heartbeatsBefore = control.Heartbeats.Count;
        await AgentHarness.AdvanceUntilAsync(time, s_interval, () => control.Heartbeats.Count > heartbeatsBefore, "a heartbeat after the outage");
        await AgentHarness.WaitUntilAsync(
            async () => (await client.GetFromJsonAsync<JsonObject>("/v1/node/status", ct))!["consecutive_failures"]!.GetValue<int>() == 0,
            "the status to show the recovery");
        Assert.Single(control.Registrations);
    }

    [Fact]
    public async Task RegistrationIsRetriedUntilControlAnswers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await FakeEngine.StartAsync(EngineShapes.LlamaCpp(), ct);
        await using var control = await FakeControl.StartAsync(ct);
        control.Down = true;
        var time = new FakeTimeProvider();
        await using var factory = AgentHarness.CreateFactory(Settings(control.Url, engine.Url), time);
        using var client = factory.CreateClient();

        await AgentHarness.WaitUntilAsync(
            async () => (await client.GetFromJsonAsync<JsonObject>("/v1/node/status", ct))!["consecutive_failures"]!.GetValue<int>() >= 1,
            "a failed registration");
        await AgentHarness.AdvanceUntilAsync(
            time,
            TimeSpan.FromSeconds(1),
            async () => (await client.GetFromJsonAsync<JsonObject>("/v1/node/status", ct))!["consecutive_failures"]!.GetValue<int>() >= 3,
            "two more attempts with backoff");
        Assert.Empty(control.Registrations);

        control.Down = false;
        await AgentHarness.AdvanceUntilAsync(time, TimeSpan.FromSeconds(1), () => control.Registrations.Count == 1, "the registration once Control is back");
        Assert.Equal(NodeKey, control.Registrations[0].NodeKey);
    }

    [Fact]
    public async Task ARefusedNodeKeyIsReportedAndRetriedWithoutCrashing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await FakeEngine.StartAsync(EngineShapes.LlamaCpp(), ct);
        await using var control = await FakeControl.StartAsync(ct);
        control.RequiredNodeKey = "the-right-key";
        var time = new FakeTimeProvider();
        await using var factory = AgentHarness.CreateFactory(Settings(control.Url, engine.Url), time);
        using var client = factory.CreateClient();

        JsonObject status = [];
        await AgentHarness.AdvanceUntilAsync(
            time,
            TimeSpan.FromSeconds(1),
            async () =>
            {
                status = (await client.GetFromJsonAsync<JsonObject>("/v1/node/status", ct))!;
                return status["consecutive_failures"]!.GetValue<int>() >= 2;
            },
            "two refused registrations");

        Assert.False(status["registered"]!.GetValue<bool>());
        Assert.Contains("Control answered 401", status["last_error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(NodeKey, status.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(control.Registrations);
    }

    [Fact]
    public async Task WithoutANodeKeyNoKeyHeaderIsSent()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var engine = await FakeEngine.StartAsync(EngineShapes.LlamaCpp(), ct);
        await using var control = await FakeControl.StartAsync(ct);
        var settings = Settings(control.Url, engine.Url);
        settings.Remove("GenieHive:Node:NodeApiKey");
        await using var factory = AgentHarness.CreateFactory(settings, new FakeTimeProvider());
        using var client = factory.CreateClient();

        await AgentHarness.WaitUntilAsync(() => control.Registrations.Count == 1, "the registration");

        Assert.Equal("", control.Registrations[0].NodeKey);
    }
}
