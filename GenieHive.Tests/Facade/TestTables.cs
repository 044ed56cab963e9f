using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Nodes;
using GenieHive.Contracts.Routing;

namespace GenieHive.Tests.Facade;

/// <summary>Routing tables pointing at fake upstreams.</summary>
internal static class TestTables
{
    public static double Now => TimeProvider.System.UnixSeconds();

    public static RoutingTable Table(long version, IEnumerable<ServiceView> services, IEnumerable<RoleView>? roles = null) => new()
    {
        Version = version,
        GeneratedAt = Now,
        Strategy = RoutingStrategies.Scored,
        HostTimeoutSeconds = 15,
        Services = [.. services],
        Roles = [.. roles ?? []],
        Hosts = [],
    };

    public static ServiceView Service(
        string id,
        string endpoint,
        string[] assets,
        string kind = ServiceKinds.Chat,
        string host = "h1",
        RequestPolicy? assetPolicy = null,
        double? p50 = null,
        string health = HealthStates.Healthy) => new()
        {
            ServiceId = id,
            HostId = host,
            Kind = kind,
            Endpoint = endpoint,
            Assets = [.. assets.Select(a => new ServiceAsset { AssetId = a, Loaded = true, ContextSize = 32768, RequestPolicy = assetPolicy })],
            State = new ServiceState { Health = health, AcceptRequests = true },
            Observed = new ServiceObserved { P50LatencyMs = p50 },
            Routable = health == HealthStates.Healthy,
        };

    public static RoleView Role(string id, string operation = ServiceKinds.Chat, RequestPolicy? policy = null, string? systemPrompt = null, string? description = null) => new()
    {
        RoleId = id,
        DisplayName = id + " role",
        Description = description,
        Operation = operation,
        PromptPolicy = new PromptPolicy { SystemPrompt = systemPrompt, RequestPolicy = policy },
    };

    public static RequestPolicy Policy(string? bodyJson = null, string? systemPrompt = null, string? position = null) => new()
    {
        BodyDefaults = bodyJson is null ? null : JsonNode.Parse(bodyJson)!.AsObject(),
        SystemPrompt = systemPrompt,
        SystemPromptPosition = position,
    };
}
