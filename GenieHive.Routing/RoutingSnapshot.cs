using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Routing;

namespace GenieHive.Routing;

/// <summary>
/// An immutable, indexed view of one routing-table version: every routable name (asset id, service id,
/// role id) resolved per kind ahead of time, so that a request costs a dictionary lookup plus work
/// proportional to the candidates of its own name, never to the size of the registry.
/// Control builds one to answer resolve and match; the facade builds one per version it receives.
/// </summary>
public sealed class RoutingSnapshot
{
    private RoutingSnapshot(RoutingTable table)
    {
        Table = table;
    }

    /// <summary>A snapshot with nothing in it (before the first table arrives).</summary>
    public static RoutingSnapshot Empty { get; } = Build(new RoutingTable
    {
        Version = 0,
        GeneratedAt = 0,
        Strategy = Contracts.RoutingStrategies.Scored,
        HostTimeoutSeconds = 15,
    });

    public RoutingTable Table { get; }

    public long Version => Table.Version;

    /// <summary>Builds the snapshot: eligibility, pools, scores and policies for every name and kind.</summary>
    public static RoutingSnapshot Build(RoutingTable table) => throw new NotImplementedException();

    /// <summary>
    /// The plan for a request. Null when the name is unknown for that kind (404); a plan with no targets
    /// when the name is known but nothing can serve it now (503).
    /// </summary>
    public RoutePlan? Find(string model, string kind) => throw new NotImplementedException();

    /// <summary>The explanation behind <see cref="Find"/> (resolve endpoint). Null when the name is unknown.</summary>
    public Resolution? Explain(string model, string? kind, double now) => throw new NotImplementedException();

    /// <summary>Scores roles and services against a described task (<c>POST /v1/cluster/routes/match</c>).</summary>
    public RouteMatchResponse Match(RouteMatchRequest request, double now) => throw new NotImplementedException();
}
