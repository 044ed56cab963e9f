using System.Text.Json.Nodes;
using GenieHive.Contracts.Nodes;

namespace GenieHive.Control.Registry;

/// <summary>
/// A host as Control keeps it in memory. Immutable: every change replaces the record, so snapshots for the
/// routing table and listings are reference copies taken under the registry lock.
/// </summary>
public sealed record HostRecord
{
    public required string HostId { get; init; }
    public string? DisplayName { get; init; }
    public required string Address { get; init; }
    public Dictionary<string, string> Labels { get; init; } = [];
    public JsonObject? Capabilities { get; init; }
    public JsonObject? Resources { get; init; }

    /// <summary>The state the node reports (<c>online</c> unless it says otherwise).</summary>
    public string State { get; init; } = "online";

    /// <summary>Control's clock at the last register or heartbeat (Unix seconds).</summary>
    public required double LastSeen { get; init; }
    public JsonObject Metrics { get; init; } = [];
    public required double RegisteredAt { get; init; }

    /// <summary>The host's services, sorted by id.</summary>
    public string[] ServiceIds { get; init; } = [];

    /// <summary>
    /// The registry sequence number (<see cref="RegistryStore.SequenceKey"/>) of the last write of this host's
    /// registration and services that this replica made or applied; 0 when none is known.
    /// </summary>
    public long StoredSeq { get; init; }
}

/// <summary>
/// A service as Control keeps it: the node's report with <see cref="RegisteredService.HostId"/> set to the
/// owning host, when it last changed, and its canonical JSON, which is what decides whether a heartbeat
/// changed anything (and what is stored).
/// </summary>
public sealed record ServiceRecord(RegisteredService Service, double UpdatedAt, byte[] Fingerprint)
{
    public string ServiceId => Service.ServiceId;

    public string HostId => Service.HostId!;
}

/// <summary>Everything the listings and the routing table need, copied under the registry lock.</summary>
public sealed record RegistrySnapshot(
    IReadOnlyList<HostRecord> Hosts,
    IReadOnlyList<ServiceRecord> Services,
    double StartedAt);

/// <summary>A host row's heartbeat as the database holds it (the latest any replica wrote).</summary>
public sealed record StoredBeat(string HostId, string State, double LastSeen, JsonObject Metrics);

/// <summary>
/// What registry writes numbered up to <paramref name="Through"/> changed: every touched host's heartbeat, and the
/// hosts whose registration or services were written, whole (<see cref="HostRecord.StoredSeq"/> set), with their services.
/// </summary>
public sealed record RegistryChangeSet(
    long Through,
    IReadOnlyList<StoredBeat> Beats,
    IReadOnlyList<HostRecord> Hosts,
    IReadOnlyList<ServiceRecord> Services);
