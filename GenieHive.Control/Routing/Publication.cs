using System.Collections.Concurrent;
using GenieHive.Contracts.Json;
using GenieHive.Contracts.Routing;
using GenieHive.Routing;

namespace GenieHive.Control.Routing;

/// <summary>
/// One published routing table version: the table, its elements serialized once (<see cref="TableElements"/>), and,
/// built on first use, its whole JSON (for facades that start or resync), the deltas that lead to it from recent
/// versions (shared by every facade that holds the same version) and the routing snapshot (resolve and match). A
/// heartbeat storm that publishes many versions never pays for JSON or snapshots nobody asks for.
/// </summary>
public sealed class Publication
{
    private readonly Lazy<RoutingSnapshot> _snapshot;
    private readonly Lazy<byte[]> _json;
    private readonly RoutingHistory _history;
    private readonly ConcurrentDictionary<long, byte[]?> _deltas = new();

    internal Publication(RoutingTable table, TableElements elements, RoutingHistory history)
    {
        Table = table;
        Elements = elements;
        _history = history;
        _json = new Lazy<byte[]>(() => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(table, GenieHiveJsonContext.Default.RoutingTable));
        _snapshot = new Lazy<RoutingSnapshot>(() => RoutingSnapshot.Build(table), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public RoutingTable Table { get; }

    public long Version => Table.Version;

    /// <summary>The history this version belongs to (<see cref="RoutingTable.TableId"/>).</summary>
    public string TableId => Table.TableId!;

    internal TableElements Elements { get; }

    /// <summary>The table as UTF-8 JSON (snake_case), exactly what <c>GET /v1/cluster/routing-table</c> sends whole.</summary>
    public byte[] Json => _json.Value;

    public RoutingSnapshot Snapshot => _snapshot.Value;

    /// <summary>
    /// The <see cref="RoutingTableDelta"/> JSON from <paramref name="fromVersion"/> of this history to this version, or
    /// null when only the whole table will do (the history does not reach back that far, or the delta would be
    /// as large as the table).
    /// </summary>
    public byte[]? DeltaJson(long fromVersion) => fromVersion >= Version
        ? null
        : _deltas.GetOrAdd(fromVersion, static (from, self) => self.BuildDelta(from), this);

    private byte[]? BuildDelta(long fromVersion)
    {
        var change = _history.Between(fromVersion, Version);
        if (change is null || change.UpsertedBytes >= Elements.TotalBytes)
        {
            return null;
        }

        return DeltaWriter.Write(TableId, Table, change);
    }
}
