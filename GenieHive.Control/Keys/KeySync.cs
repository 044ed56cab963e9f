using GenieHive.Control.Storage;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Keys;

/// <summary>
/// Shares named keys and their monthly usage between Control replicas on one database: every <see cref="Interval"/>
/// this replica merges what the others wrote (<see cref="KeyRegistry.Refresh"/>: one small query when nothing did), so a
/// key created, disabled, rotated or deleted through any replica is in force, or refused, on every facade watching any
/// replica well within the 5 s the contract allows, and every replica's budgets count every replica's usage.
/// </summary>
public sealed class KeySync(KeyRegistry keys, IOptions<StorageOptions> storage, ILogger<KeySync> logger)
    : ReplicaRefreshLoop(storage, Interval, logger, "named keys and usage")
{
    /// <summary>As often as the registry's sync: a key change reaches the other replicas' watchers within about a quarter of a second.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    protected override void Refresh() => keys.Refresh();
}
