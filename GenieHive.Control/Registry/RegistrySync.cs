using GenieHive.Contracts;
using GenieHive.Control.Storage;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Registry;

/// <summary>
/// Replicas on one PostgreSQL share the registry through it: every <see cref="Interval"/> this loop reads what the
/// registry writes of every replica committed since its last read (<see cref="RegistryStore.ReadChanges"/>) and
/// merges it into <see cref="ClusterRegistry"/>, which marks a routing change when the table must show it. So a host
/// registered on another replica is listed, routed and answered here within about a quarter of a second (plus that
/// replica's heartbeat batch, at most a second, for a heartbeat).
/// </summary>
public sealed class RegistrySync(
    ClusterRegistry registry,
    ControlDatabase database,
    IOptions<StorageOptions> storage,
    TimeProvider time,
    ILogger<RegistrySync> logger) : ReplicaRefreshLoop(storage, Interval, logger, "registry changes")
{
    /// <summary>How often the database is asked what changed (one small query when nothing did).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// One read and merge. Both run inside the database's read, which waits for this process's writes: a write of
    /// this replica is then either not begun or committed and told to the registry, never half way (read back
    /// before the registry knew it was stored, it would undo a newer change in memory).
    /// </summary>
    protected override void Refresh() => database.Read(connection =>
    {
        registry.Apply(RegistryStore.ReadChanges(connection, registry.StoredThrough), time.UnixSeconds());
        return true;
    });
}
