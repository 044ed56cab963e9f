using System.Collections.Immutable;
using GenieHive.Contracts.Cluster;
using GenieHive.Routing.Prediction;

namespace GenieHive.Routing;

/// <summary>
/// What a name resolves to for one kind, computed when the snapshot is built: the eligible targets ranked
/// best first. Per request the facade only orders these (cooldowns, in-flight, strategy); it never re-resolves.
/// </summary>
public sealed class RoutePlan
{
    private string? _key;

    /// <summary><c>direct</c> or <c>role</c>.</summary>
    public required string MatchType { get; init; }
    public required string Model { get; init; }
    public required string Kind { get; init; }

    /// <summary>The requested role (primary, also when a fallback supplied the targets).</summary>
    public RoleView? Role { get; init; }
    public string? FallbackVia { get; init; }

    /// <summary>The strategy that orders <see cref="Targets"/> per request.</summary>
    public required string Strategy { get; init; }

    /// <summary>Ranked best first. Empty when the name is known but nothing can serve it (503).</summary>
    public required ImmutableArray<RouteTarget> Targets { get; init; }

    /// <summary>Services considered and left out, with the reason (for explanations).</summary>
    public ImmutableArray<ExcludedService> Excluded { get; init; } = [];

    /// <summary>
    /// Identifies the requested name and kind across snapshot versions (<c>kind:model</c>): the selector keys its
    /// round-robin counters by it, so rotation continues when a new routing table arrives.
    /// </summary>
    public string Key => _key ??= Kind + ":" + Model;
}

/// <summary>One service a plan may send a request to, with everything the proxy needs precomputed.</summary>
public sealed class RouteTarget
{
    private EngineFigures? _engine;
    private ulong _serviceHash;

    public required ServiceView Service { get; init; }
    public string ServiceId => Service.ServiceId;
    public string HostId => Service.HostId;

    /// <summary>The service endpoint without a trailing slash; the proxy appends <c>/v1/...</c>.</summary>
    public required string BaseUrl { get; init; }

    /// <summary>The model id the upstream receives (reference section 4.8).</summary>
    public required string UpstreamModel { get; init; }

    /// <summary>The request policy for this target (inferred, then asset, then role). Never null.</summary>
    public required EffectivePolicy Policy { get; init; }

    public required double Score { get; init; }
    public required CandidateSignals Signals { get; init; }
    public ImmutableArray<string> Reasons { get; init; } = [];

    /// <summary>From the routing table: the service is cooling down until then (Unix seconds), or null.</summary>
    public double? CooldownUntil => Service.Cooldown?.Until;

    /// <summary>
    /// The model this target would serve is loaded: the requested asset when the name is one of the service's
    /// asset ids, otherwise (a service id or a role) any of its assets.
    /// </summary>
    public bool Loaded { get; init; }

    /// <summary>For a role route, the preferred-family rank of the service (0 when it matches none, or for direct routes).</summary>
    public int FamilyRank { get; init; }

    /// <summary>The service's slots, engine queue and speeds from the routing table, clamped (read once per snapshot).</summary>
    public EngineFigures Engine => _engine ??= EngineFigures.From(Service);

    /// <summary>The service id's rendezvous hash (prefix affinity), computed once.</summary>
    public ulong ServiceHash => _serviceHash != 0 ? _serviceHash : _serviceHash = PrefixAffinity.HashId(ServiceId) | 1;

    /// <summary>True when the service answers <paramref name="protocol"/> natively (<see cref="Contracts.ClientProtocols"/>).</summary>
    public bool Speaks(string protocol) => Contracts.ClientProtocols.Speaks(Service.Runtime, protocol);

    /// <summary>True when the target is cooling down at <paramref name="now"/>, per the table or the caller's own knowledge.</summary>
    public bool IsCoolingDown(ILiveServiceLoad live, double now) =>
        Service.Cooldown?.Until > now || live.CooldownUntil(Service.ServiceId) > now;
}
