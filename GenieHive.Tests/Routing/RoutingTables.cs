using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Nodes;
using GenieHive.Contracts.Routing;
using GenieHive.Routing;

namespace GenieHive.Tests.Routing;

/// <summary>Terse builders for routing tables in unit tests.</summary>
internal static class RoutingTables
{
    public const double Now = 1_000_000;

    public static RoutingTable Table(
        IEnumerable<ServiceView>? services = null,
        IEnumerable<RoleView>? roles = null,
        IEnumerable<HostView>? hosts = null,
        IEnumerable<BenchmarkSample>? benchmarks = null,
        string strategy = RoutingStrategies.Scored) => new()
        {
            Version = 1,
            GeneratedAt = Now,
            Strategy = strategy,
            HostTimeoutSeconds = 15,
            Services = services?.ToList() ?? [],
            Roles = roles?.ToList() ?? [],
            Hosts = hosts?.ToList() ?? [],
            Benchmarks = benchmarks?.ToList() ?? [],
        };

    public static RoutingSnapshot Snapshot(
        IEnumerable<ServiceView>? services = null,
        IEnumerable<RoleView>? roles = null,
        IEnumerable<HostView>? hosts = null,
        IEnumerable<BenchmarkSample>? benchmarks = null,
        string strategy = RoutingStrategies.Scored) =>
        RoutingSnapshot.Build(Table(services, roles, hosts, benchmarks, strategy));

    /// <summary>A healthy, accepting chat service on host h1 with no figures unless given.</summary>
    public static ServiceView Service(
        string id,
        string[]? assets = null,
        string[]? loaded = null,
        string kind = ServiceKinds.Chat,
        string host = "h1",
        string? health = HealthStates.Healthy,
        string? availability = null,
        bool? accept = null,
        bool stale = false,
        double? p50 = null,
        double? tps = null,
        int? queue = null,
        int? inFlight = null,
        int? context = null,
        double? cooldownUntil = null,
        string endpoint = "http://127.0.0.1:9000") => new()
        {
            ServiceId = id,
            HostId = host,
            Kind = kind,
            Endpoint = endpoint,
            Assets = (assets ?? []).Select(a => new ServiceAsset
            {
                AssetId = a,
                Loaded = loaded?.Contains(a) == true,
                ContextSize = context,
            }).ToList(),
            State = new ServiceState { Health = health, Availability = availability, AcceptRequests = accept },
            Observed = new ServiceObserved { P50LatencyMs = p50, TokensPerSec = tps, QueueDepth = queue, InFlight = inFlight },
            HostStale = stale,
            Cooldown = cooldownUntil is { } until ? new ServiceCooldown(until, "test", 1) : null,
        };

    public static RoleView Role(
        string id,
        string operation = ServiceKinds.Chat,
        string[]? families = null,
        int? minContext = null,
        bool requireLoaded = false,
        string[]? fallbacks = null,
        string? strategy = null,
        string[]? workloads = null,
        string? systemPrompt = null,
        RequestPolicy? requestPolicy = null,
        string? description = null) => new()
        {
            RoleId = id,
            DisplayName = id,
            Description = description,
            Operation = operation,
            PromptPolicy = new PromptPolicy { SystemPrompt = systemPrompt, RequestPolicy = requestPolicy },
            RoutingPolicy = new RoutingPolicy
            {
                PreferredFamilies = [.. families ?? []],
                MinContext = minContext,
                RequireLoaded = requireLoaded,
                FallbackRoles = [.. fallbacks ?? []],
                Strategy = strategy,
                BenchmarkWorkloads = [.. workloads ?? []],
            },
        };

    public static HostView Host(string id, Dictionary<string, string>? labels = null, JsonObject? resources = null) => new()
    {
        HostId = id,
        Address = "127.0.0.1",
        Labels = labels ?? [],
        Resources = resources,
        Status = new HostStatus("online", Now, false),
    };

    public static BenchmarkSample Sample(string serviceId, string workload, JsonObject results, string? id = null) => new()
    {
        BenchmarkId = id ?? serviceId + "/" + workload,
        ServiceId = serviceId,
        Workload = workload,
        ObservedAt = Now,
        Results = results,
    };

    public static RequestPolicy Policy(string? bodyJson = null, string? systemPrompt = null, string? position = null) => new()
    {
        BodyDefaults = bodyJson is null ? null : JsonNode.Parse(bodyJson)!.AsObject(),
        SystemPrompt = systemPrompt,
        SystemPromptPosition = position,
    };

    /// <summary>A live view with fixed in-flight counts and cooldowns.</summary>
    public sealed class FakeLive(Dictionary<string, int>? inFlight = null, Dictionary<string, double>? cooldowns = null) : ILiveServiceLoad
    {
        public Dictionary<string, int> InFlightCounts { get; } = inFlight ?? [];
        public Dictionary<string, double> Cooldowns { get; } = cooldowns ?? [];

        public int InFlight(string serviceId) => InFlightCounts.GetValueOrDefault(serviceId);

        public double? CooldownUntil(string serviceId) => Cooldowns.TryGetValue(serviceId, out var until) ? until : null;
    }

    public static string[] Ids(IEnumerable<RouteTarget> targets) => targets.Select(t => t.ServiceId).ToArray();
}
