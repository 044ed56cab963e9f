using GenieHive.Contracts;
using GenieHive.Contracts.Nodes;

namespace GenieHive.NodeAgent.Inventory;

/// <summary>
/// What the agent currently knows about one service: the definition it started from, the assets and
/// numbers the engine last reported, and the health its probes concluded. Immutable; replaced per pass.
/// </summary>
internal sealed record ServiceLiveState
{
    public required ServiceDefinition Definition { get; init; }
    public IReadOnlyList<ServiceAsset> Assets { get; init; } = [];
    public ServiceRuntime? Runtime { get; init; }
    public ServiceObserved? Observed { get; init; }

    /// <summary><c>unknown</c> until the first probes conclude, then <c>healthy</c> or <c>unhealthy</c>.</summary>
    public string Health { get; init; } = HealthStates.Unknown;

    /// <summary>Why the service is unhealthy, when it is.</summary>
    public string? Detail { get; init; }

    public int ConsecutiveFailures { get; init; }
    public string? LastFailure { get; init; }
    public DateTimeOffset? LastProbeAt { get; init; }
    public DateTimeOffset? LastSuccessAt { get; init; }

    /// <summary>The models the engine listed in its last successful discovery (empty without discovery).</summary>
    public IReadOnlyList<string> DiscoveredAssetIds { get; init; } = [];

    public string ServiceId => Definition.ServiceId;

    public static ServiceLiveState Initial(ServiceDefinition definition) => new()
    {
        Definition = definition,
        Assets = definition.Assets,
        Runtime = definition.Runtime,
        Observed = definition.Observed,
    };

    /// <summary>The service as it goes on the wire (registration, heartbeat, inventory).</summary>
    public RegisteredService ToRegisteredService(string hostId) => new()
    {
        ServiceId = Definition.ServiceId,
        HostId = hostId,
        Kind = Definition.Kind,
        Protocol = Definition.Protocol,
        Endpoint = Definition.Endpoint,
        Runtime = Runtime,
        Assets = [.. Assets],
        State = new ServiceState
        {
            Health = Health,
            LoadState = Assets.Count == 0 ? null : Assets.Any(a => a.Loaded) ? "loaded" : "unloaded",
            Availability = Definition.Availability,
            AcceptRequests = Definition.AcceptRequests,
            Detail = Detail,
        },
        Observed = Observed,
    };
}
