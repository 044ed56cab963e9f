using BenchmarkDotNet.Attributes;
using GenieHive.Contracts;
using GenieHive.Contracts.Routing;
using GenieHive.Routing;
using GenieHive.Routing.Prediction;

namespace GenieHive.Bench.Routing;

/// <summary>
/// Per-request route selection (<see cref="RoutingSnapshot.Find"/> + <c>RouteSelector.Order</c>, with a
/// conversation prefix so that the delay prediction and prefix affinity run as on a chat request) for a role
/// and for a direct asset name, and the per-version <see cref="RoutingSnapshot.Build"/>, by registry size.
/// Selection must stay flat with registry size: it costs a lookup plus work on the name's own candidates.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class RouteSelectionBenchmarks // BenchmarkDotNet derives from benchmark classes, so this one cannot be sealed.
{
    private const double Now = 1_000_000;

    /// <summary>A later turn of a conversation: a 500-token opening in an 800-token prompt.</summary>
    private static readonly RequestShape Conversation = new(0x5DEECE66DUL, 500, 800);

    private RoutingTable _table = null!;
    private RoutingSnapshot _snapshot = null!;
    private RouteSelector _selector = null!;
    private ILiveServiceLoad _live = null!;
    private RoutingTableDelta _delta = null!;

    [Params(10, 1_000, 10_000)]
    public int Services { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _table = SyntheticCluster.Build(Services) with { TableId = "bench" };
        _snapshot = RoutingSnapshot.Build(_table);

        // What a heartbeat that changes one service's figures sends: that service, whole, and its host.
        var changed = _table.Services[_table.Services.Count / 2];
        _delta = new RoutingTableDelta
        {
            TableId = "bench",
            FromVersion = _table.Version,
            Version = _table.Version + 1,
            GeneratedAt = _table.GeneratedAt + 1,
            Strategy = _table.Strategy,
            HostTimeoutSeconds = _table.HostTimeoutSeconds,
            Services = [changed with { Observed = new GenieHive.Contracts.Nodes.ServiceObserved { QueueDepth = 3, P50LatencyMs = 250 } }],
            Hosts = [.. _table.Hosts.Where(h => h.HostId == changed.HostId)],
        };
        _selector = new RouteSelector();
        _live = new DictionaryLiveLoad(_table);

        // Fail fast if the synthetic cluster does not exercise what is measured.
        Check(SyntheticCluster.TargetRole, "role");
        Check(SyntheticCluster.TargetModel, "direct");
    }

    [Benchmark(Description = "Find+Order role")]
    public RouteTarget SelectRole() => Select(SyntheticCluster.TargetRole);

    [Benchmark(Description = "Find+Order direct asset")]
    public RouteTarget SelectDirectAsset() => Select(SyntheticCluster.TargetModel);

    [Benchmark(Description = "Apply one-service delta")]
    public RoutingSnapshot ApplyDelta() => _snapshot.Apply(_delta);

    [Benchmark(Description = "Build snapshot")]
    public RoutingSnapshot BuildSnapshot() => RoutingSnapshot.Build(_table);

    private RouteTarget Select(string model)
    {
        var plan = _snapshot.Find(model, ServiceKinds.Chat)!;
        return _selector.Order(plan, _live, Now, Conversation, out _)[0];
    }

    private void Check(string model, string matchType)
    {
        var plan = _snapshot.Find(model, ServiceKinds.Chat)
            ?? throw new InvalidOperationException(model + " does not resolve");
        var expected = Math.Min(SyntheticCluster.CandidatesPerName, Services);
        if (plan.MatchType != matchType || plan.Targets.Length != expected)
        {
            throw new InvalidOperationException(
                model + " resolved to " + plan.MatchType + " with " + plan.Targets.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " targets");
        }
    }
}
