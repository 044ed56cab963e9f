using System.Collections.Immutable;
using System.Globalization;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Routing;
using GenieHive.Routing.Catalog;
using GenieHive.Routing.Matching;
using GenieHive.Routing.Planning;
using GenieHive.Routing.Prediction;
using GenieHive.Routing.Scoring;

namespace GenieHive.Routing;

/// <summary>
/// An immutable, indexed view of one routing-table version: every routable name (asset id, service id,
/// role id) resolved per kind ahead of time, so that a request costs a dictionary lookup plus work
/// proportional to the candidates of its own name, never to the size of the registry.
/// Control builds one to answer resolve and match; the facade builds one per version it receives.
/// </summary>
/// <remarks>
/// Resolution: a service id or asset id of the requested kind with eligible services routes directly (loaded
/// first); otherwise a role of that name whose operation is the kind routes over its eligible pool (or its
/// fallback roles' pools); otherwise a direct name whose services are all ineligible gives a plan without
/// targets (503); anything else is unknown (404). Cooldowns are not part of the snapshot's plans: they expire
/// with time, so <see cref="RouteSelector"/> and <see cref="Explain(string, string?, double)"/> apply them against the clock.
/// </remarks>
public sealed class RoutingSnapshot
{
    private static readonly RouteSelector Peeker = new();

    private readonly PlanBuilder _plans;
    // Plain dictionaries (ordinal): frozen ones read a few nanoseconds faster but cost more to build than a
    // request saves over a routing-table version's lifetime at the rates Control publishes.
    private readonly Dictionary<string, RoutePlan>[] _resolved;
    private readonly Dictionary<string, ServiceFacts> _servicesById;
    // The model listing is built on first use: a heartbeat storm publishes versions faster than /v1/models is read.
    private readonly Lazy<ModelCatalog> _models;

    private RoutingSnapshot(RoutingTable table, PlanBuilder plans)
    {
        Table = table;
        _plans = plans;
        _resolved = plans.Resolved;
        _servicesById = plans.ServicesById;
        _models = new Lazy<ModelCatalog>(() => new ModelCatalog(plans), LazyThreadSafetyMode.ExecutionAndPublication);
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

    /// <summary>The <c>GET /v1/models</c> listing: every role and every routable service id and asset id, sorted by id.</summary>
    public ImmutableArray<ModelListing> Models => _models.Value.Listings;

    /// <summary>Builds the snapshot: eligibility, pools, scores and policies for every name and kind.</summary>
    public static RoutingSnapshot Build(RoutingTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return new RoutingSnapshot(table, new PlanBuilder(table));
    }

    /// <summary>
    /// The snapshot of the version <paramref name="delta"/> leads to, built from this one: only the plans the delta
    /// touches are computed again (<see cref="PlanBuilder"/>), so a small change costs little however large the table.
    /// Throws <see cref="InvalidOperationException"/> when the delta does not continue this version (see
    /// <see cref="Continues"/>): then only the whole table will do.
    /// </summary>
    public RoutingSnapshot Apply(RoutingTableDelta delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        var table = RoutingTableDeltas.Apply(Table, delta, out var change);
        return new RoutingSnapshot(table, new PlanBuilder(table, _plans, change));
    }

    /// <summary>Whether <paramref name="delta"/> applies to this snapshot: the same history (table id), from this version.</summary>
    public bool Continues(RoutingTableDelta delta) => RoutingTableDeltas.Continues(Table, delta);

    /// <summary>
    /// The plan for a request. Null when the name is unknown for that kind (404); a plan with no targets
    /// when the name is known but nothing can serve it now (503).
    /// </summary>
    public RoutePlan? Find(string model, string kind)
    {
        var k = PlanBuilder.KindIndex(kind);
        return k < 0 || model is null ? null : _resolved[k].GetValueOrDefault(model);
    }

    /// <summary>
    /// The plan for a name whatever its kind (resolve without <c>kind</c>): a direct name that can serve, in kind
    /// order chat, embeddings, transcription; else the role of that name with its own operation; else a direct name
    /// that cannot serve now; else null.
    /// </summary>
    public RoutePlan? FindAnyKind(string model)
    {
        if (model is null)
        {
            return null;
        }

        RoutePlan? unservable = null;
        for (var k = 0; k < _plans.Direct.Length; k++)
        {
            if (_plans.Direct[k].TryGetValue(model, out var direct))
            {
                if (!direct.Targets.IsEmpty)
                {
                    return direct;
                }

                unservable ??= direct;
            }
        }

        return _plans.RolePlans.GetValueOrDefault(model) ?? unservable;
    }

    /// <summary>The <c>GET /v1/models/{id}</c> entry, or null.</summary>
    public ModelListing? FindModel(string id) => id is null ? null : _models.Value.ById.GetValueOrDefault(id);

    /// <summary>The explanation behind <see cref="Find"/> (resolve endpoint). Null when the name is unknown.</summary>
    public Resolution? Explain(string model, string? kind, double now) => Explain(model, kind, now, selector: null, live: null);

    /// <summary>
    /// The explanation behind <see cref="Find"/>, with the caller's selector (so that <c>service</c> shows the
    /// next round-robin pick, without advancing it) and live load. Null when the name is unknown.
    /// </summary>
    public Resolution? Explain(string model, string? kind, double now, RouteSelector? selector, ILiveServiceLoad? live) =>
        Explain(model, kind, now, selector, live, RequestShape.None);

    /// <summary>The explanation for a request of <paramref name="shape"/> (a conversation prefix: its affinity decision).</summary>
    public Resolution? Explain(string model, string? kind, double now, RouteSelector? selector, ILiveServiceLoad? live, in RequestShape shape)
    {
        var plan = string.IsNullOrEmpty(kind) ? FindAnyKind(model) : Find(model, kind);
        return plan is null ? null : Describe(plan, now, selector ?? Peeker, live ?? NoLiveServiceLoad.Instance, shape);
    }

    /// <summary>Explains a plan: the pick now, the ranked candidates, and every excluded service with its reason.</summary>
    public static Resolution Describe(RoutePlan plan, double now, RouteSelector selector, ILiveServiceLoad live) =>
        Describe(plan, now, selector, live, RequestShape.None);

    /// <summary>
    /// <see cref="Describe(RoutePlan, double, RouteSelector, ILiveServiceLoad)"/> for a request of
    /// <paramref name="shape"/>: with strategy <c>scored</c>, each candidate's predicted delay and the decision.
    /// </summary>
    public static Resolution Describe(RoutePlan plan, double now, RouteSelector selector, ILiveServiceLoad live, in RequestShape shape)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(live);

        var order = selector.Peek(plan, live, now, shape, out var decision);
        var chosen = order.Count > 0 ? order[0] : null;
        var scored = !string.Equals(plan.Strategy, RoutingStrategies.RoundRobin, StringComparison.Ordinal)
            && !string.Equals(plan.Strategy, RoutingStrategies.LeastLoaded, StringComparison.Ordinal);
        bool[]? inBand = null;
        var delays = scored ? selector.Predict(plan, live, now, shape, out inBand) : null;
        var candidates = new List<RankedCandidate>(plan.Targets.Length);
        var excluded = new List<ExcludedService>(plan.Excluded);
        for (var i = 0; i < plan.Targets.Length; i++)
        {
            var target = plan.Targets[i];
            if (target.IsCoolingDown(live, now))
            {
                excluded.Add(new ExcludedService(target.ServiceId, target.HostId, Planning.ExclusionReasons.CoolingDown));
                continue;
            }

            candidates.Add(new RankedCandidate
            {
                ServiceId = target.ServiceId,
                HostId = target.HostId,
                Score = CandidateScorer.Round4(target.Score),
                Signals = target.Signals,
                Predicted = delays is null ? null : View(delays[i], inBand![i], target.Engine),
                Reasons = [.. target.Reasons],
            });
        }

        return new Resolution
        {
            MatchType = plan.MatchType,
            Model = plan.Model,
            Kind = plan.Kind,
            Service = chosen?.Service,
            Role = plan.Role,
            FallbackVia = plan.FallbackVia,
            UpstreamModel = chosen?.UpstreamModel,
            Strategy = plan.Strategy,
            Decision = chosen is null ? null : new RouteDecisionView
            {
                Route = decision.Header(plan.MatchType),
                Affinity = RouteDecision.Name(decision.Affinity),
                AffinityServiceId = decision.AffinityServiceId,
                ColdLoad = decision.ColdLoad,
                PrefixHash = shape.HasPrefix ? shape.PrefixHash.ToString("x16", CultureInfo.InvariantCulture) : null,
            },
            Candidates = candidates,
            Excluded = excluded,
        };
    }

    private static PredictedDelayView View(in PredictedDelay delay, bool inBand, EngineFigures engine) => new()
    {
        TotalMs = Math.Round(delay.TotalMs, 1),
        QueueMs = Math.Round(delay.QueueMs, 1),
        PrefillMs = Math.Round(delay.PrefillMs, 1),
        TtftMs = Math.Round(delay.TtftMs, 1),
        ColdLoadMs = Math.Round(delay.ColdLoadMs, 1),
        DecodeMs = Math.Round(delay.DecodeMs, 1),
        Measured = delay.Measured,
        InBand = inBand,
        Slots = engine.Slots,
        Waiting = engine.Waiting,
    };

    /// <summary>Scores roles and services against a described task (<c>POST /v1/cluster/routes/match</c>).</summary>
    public RouteMatchResponse Match(RouteMatchRequest request, double now)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RouteMatcher.Match(_plans, _servicesById, request, now);
    }

    private sealed class ModelCatalog
    {
        public ModelCatalog(PlanBuilder plans)
        {
            Listings = [.. ModelCatalogBuilder.Build(plans)];
            ById = new Dictionary<string, ModelListing>(Listings.Length, StringComparer.Ordinal);
            foreach (var model in Listings)
            {
                ById[model.Id] = model;
            }
        }

        public ImmutableArray<ModelListing> Listings { get; }

        public Dictionary<string, ModelListing> ById { get; }
    }
}
