using GenieHive.Contracts.Routing;
using GenieHive.Routing;

namespace GenieHive.Control.Routing;

/// <summary>
/// One published routing table version: the table, its JSON (serialized once, however many facades poll),
/// and the routing snapshot built from it on first use (resolve and match), so heartbeat storms that
/// publish many versions never pay for snapshots nobody asks for.
/// </summary>
public sealed class Publication
{
    private readonly Lazy<RoutingSnapshot> _snapshot;

    public Publication(RoutingTable table, byte[] json)
    {
        Table = table;
        Json = json;
        _snapshot = new Lazy<RoutingSnapshot>(() => RoutingSnapshot.Build(table), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public RoutingTable Table { get; }

    public long Version => Table.Version;

    /// <summary>The table as UTF-8 JSON (snake_case), exactly what <c>GET /v1/cluster/routing-table</c> sends.</summary>
    public byte[] Json { get; }

    public RoutingSnapshot Snapshot => _snapshot.Value;
}
