using System.Collections.Concurrent;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Nodes;
using GenieHive.Contracts.Routing;
using GenieHive.Routing;

namespace GenieHive.Bench.Routing;

/// <summary>
/// A registry of a given size in which the benchmarked names have a handful of candidates each and every other
/// service serves some other model on some other host, as in a large shared cluster.
/// </summary>
internal static class SyntheticCluster
{
    /// <summary>The direct asset name measured; served by <see cref="CandidatesPerName"/> services on distinct hosts.</summary>
    public const string TargetModel = "qwen3-8b-q4km";

    /// <summary>The role measured; its preferred family selects the same handful of services.</summary>
    public const string TargetRole = "mentor";

    public const int CandidatesPerName = 4;

    private const int ServicesPerHost = 4;

    public static RoutingTable Build(int serviceCount)
    {
        var services = new List<ServiceView>(serviceCount);

        // The target candidates sit one per host when the registry is big enough (closer together in tiny ones).
        var stride = Math.Max(1, Math.Min(ServicesPerHost, serviceCount / CandidatesPerName));
        var hosts = new List<HostView>();
        for (var i = 0; i < serviceCount; i++)
        {
            var hostId = "host-" + (i / ServicesPerHost).ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
            if (i % ServicesPerHost == 0)
            {
                hosts.Add(new HostView { HostId = hostId, Address = "10.0.0.1", Status = new HostStatus("online", 0, false) });
            }

            var isCandidate = i % stride == 0 && i / stride < CandidatesPerName;
            var asset = isCandidate ? TargetModel : "model-" + (i % 997).ToString(System.Globalization.CultureInfo.InvariantCulture) + "-7b";
            services.Add(new ServiceView
            {
                ServiceId = hostId + "/svc-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                HostId = hostId,
                Kind = i % 10 == 9 ? ServiceKinds.Embeddings : ServiceKinds.Chat,
                Endpoint = "http://10.0.0.1:" + (8000 + (i % ServicesPerHost)).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Assets = [new ServiceAsset { AssetId = asset, Loaded = i % 3 != 1, ContextSize = 32768 }],
                State = new ServiceState { Health = HealthStates.Healthy, Availability = Availability.Available, AcceptRequests = true },
                Observed = new ServiceObserved { P50LatencyMs = 300 + (i % 7 * 100), TokensPerSec = 20 + (i % 5 * 10), QueueDepth = i % 4 },
            });
        }

        return new RoutingTable
        {
            Version = 1,
            GeneratedAt = 0,
            Strategy = RoutingStrategies.Scored,
            HostTimeoutSeconds = 15,
            Services = services,
            Hosts = hosts,
            Roles =
            [
                new RoleView
                {
                    RoleId = TargetRole,
                    Operation = ServiceKinds.Chat,
                    PromptPolicy = new PromptPolicy { SystemPrompt = "You are a patient mentor." },
                    RoutingPolicy = new RoutingPolicy { PreferredFamilies = ["qwen3", "mistral"], MinContext = 8192 },
                },
            ],
        };
    }
}

/// <summary>What the facade's live view looks like: a concurrent map of in-flight counts and local cooldowns.</summary>
internal sealed class DictionaryLiveLoad : ILiveServiceLoad
{
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, double> _cooldowns = new(StringComparer.Ordinal);

    public DictionaryLiveLoad(RoutingTable table)
    {
        foreach (var service in table.Services)
        {
            _inFlight[service.ServiceId] = service.ServiceId.Length % 3;
        }
    }

    public int InFlight(string serviceId) => _inFlight.TryGetValue(serviceId, out var count) ? count : 0;

    public double? CooldownUntil(string serviceId) => _cooldowns.TryGetValue(serviceId, out var until) ? until : null;
}
