using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Contracts.Nodes;
using GenieHive.Contracts.Observations;
using GenieHive.Contracts.Routing;

namespace GenieHive.Tests.Control;

/// <summary>Builders for what node agents and facades send, and typed calls to Control's endpoints.</summary>
public static class ControlTestData
{
    public static readonly GenieHiveJsonContext Json = GenieHiveJsonContext.Default;

    public static HostRegistration Host(string hostId, params RegisteredService[] services) => new()
    {
        HostId = hostId,
        DisplayName = "Host " + hostId,
        Address = "127.0.0.1",
        Labels = new() { ["rack"] = "a" },
        Services = [.. services],
    };

    public static RegisteredService Service(
        string serviceId,
        string kind = ServiceKinds.Chat,
        string asset = "qwen3-8b-q4km",
        bool loaded = true,
        string? health = HealthStates.Healthy,
        int? contextSize = 32768,
        double? p50 = 900,
        double? tokensPerSec = 40,
        int? queueDepth = null) => new()
        {
            ServiceId = serviceId,
            Kind = kind,
            Endpoint = "http://127.0.0.1:18091",
            Runtime = new ServiceRuntime { Engine = "llama.cpp" },
            Assets = [new ServiceAsset { AssetId = asset, Loaded = loaded, ContextSize = contextSize }],
            State = new ServiceState { Health = health, AcceptRequests = true },
            Observed = new ServiceObserved { P50LatencyMs = p50, TokensPerSec = tokensPerSec, QueueDepth = queueDepth },
        };

    public static NodeHeartbeat Heartbeat(string hostId, params RegisteredService[] services) => new()
    {
        HostId = hostId,
        Status = new HeartbeatStatus { State = "online" },
        Metrics = new JsonObject { ["service_count"] = services.Length },
        Services = services.Length == 0 ? null : [.. services],
    };

    public static async Task<HttpResponseMessage> RegisterAsync(this HttpClient client, HostRegistration registration) =>
        await client.PostAsJsonAsync("/v1/nodes/register", registration, Json.HostRegistration, TestContext.Current.CancellationToken);

    public static async Task<HttpResponseMessage> HeartbeatAsync(this HttpClient client, NodeHeartbeat heartbeat) =>
        await client.PostAsJsonAsync("/v1/nodes/heartbeat", heartbeat, Json.NodeHeartbeat, TestContext.Current.CancellationToken);

    public static async Task RegisterOkAsync(this HttpClient client, HostRegistration registration)
    {
        using var response = await client.RegisterAsync(registration);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    public static async Task<HttpResponseMessage> ReportAsync(this HttpClient client, ObservationReport report) =>
        await client.PostAsJsonAsync("/v1/cluster/observations", report, Json.ObservationReport, TestContext.Current.CancellationToken);

    public static async Task<List<ServiceView>> ServicesAsync(this HttpClient client) =>
        [.. (await client.GetFromJsonAsync("/v1/cluster/services", Json.ListResponseServiceView, TestContext.Current.CancellationToken))!.Data];

    public static async Task<List<HostView>> HostsAsync(this HttpClient client) =>
        [.. (await client.GetFromJsonAsync("/v1/cluster/hosts", Json.ListResponseHostView, TestContext.Current.CancellationToken))!.Data];

    public static async Task<ClusterHealth> HealthAsync(this HttpClient client) =>
        (await client.GetFromJsonAsync("/v1/cluster/health", Json.ClusterHealth, TestContext.Current.CancellationToken))!;

    public static async Task<RoutingTable> RoutingTableAsync(this HttpClient client) =>
        (await client.GetFromJsonAsync("/v1/cluster/routing-table", Json.RoutingTable, TestContext.Current.CancellationToken))!;

    public static async Task<JsonObject> JsonAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;

    public static StringContent JsonContent(string json, string contentType = "application/json") =>
        new(json, System.Text.Encoding.UTF8, contentType);

    /// <summary>Probes until <paramref name="condition"/> holds and returns that value; fails after <paramref name="seconds"/> (scaled, see <see cref="Testing.Eventually"/>).</summary>
    public static Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, double seconds = 5) =>
        Testing.Eventually.ValueAsync(probe, condition, "a probed value to satisfy the test's condition", TimeSpan.FromSeconds(seconds));
}
