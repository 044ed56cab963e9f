using GenieHive.Contracts.Cluster;

namespace GenieHive.Control.Registry;

/// <summary>What a register or heartbeat did to the registry.</summary>
public enum RegistryStatus
{
    Ok,
    UnknownHost,
    ServiceOwnedByAnotherHost,
}

/// <summary>
/// The outcome of a register or heartbeat. On success, <see cref="Host"/> is the host as Control now sees it
/// and <see cref="HostsToPersist"/> the hosts whose rows must be written (the host itself, plus any stale
/// host whose service it took over). On a conflict, <see cref="ConflictServiceId"/> and <see cref="ConflictOwner"/>.
/// </summary>
public sealed record RegistryOutcome(RegistryStatus Status)
{
    public HostView? Host { get; init; }
    public IReadOnlyList<string> HostsToPersist { get; init; } = [];
    public string? ConflictServiceId { get; init; }
    public string? ConflictOwner { get; init; }

    /// <summary>True when the host had been stale and this call brought it back.</summary>
    public bool CameBack { get; init; }

    /// <summary>True when the call changed something routing depends on.</summary>
    public bool Changed { get; init; }

    /// <summary>Stale hosts that lost services to this host.</summary>
    public IReadOnlyList<string> TookOverFrom { get; init; } = [];

    /// <summary>The refusal of a service that live host <paramref name="owner"/> holds.</summary>
    public static RegistryOutcome Conflict(string serviceId, string owner) =>
        new(RegistryStatus.ServiceOwnedByAnotherHost) { ConflictServiceId = serviceId, ConflictOwner = owner };
}

/// <summary>What a host's rows look like now, for writing to the database.</summary>
public sealed record HostPersistence(HostRecord Host, IReadOnlyList<ServiceRecord>? Services);

/// <summary>The host rows one registry write committed, and its registry sequence number.</summary>
public sealed record StoredRows(IReadOnlyList<HostPersistence> Rows, long Sequence);
