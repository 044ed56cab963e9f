using System.Collections.Immutable;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Routing;
using GenieHive.Routing.Policy;
using GenieHive.Routing.Scoring;

namespace GenieHive.Routing.Planning;

/// <summary>
/// Computes every plan of a routing-table version: the direct plan of each service id and asset id per kind,
/// the plan of each role, and which of them a name resolves to per kind. Runs once per version, never per request.
/// </summary>
/// <remarks>
/// Request routing has no task text. A plan's targets are therefore scored with the service formula
/// (20% text + 45% runtime + 35% benchmark) with a text overlap of 0 and, as the benchmark query, nothing for
/// direct routes and the role's <c>benchmark_workloads</c> (plus <c>agentic_benchmark_workloads</c>) for role
/// routes. With an empty query every sample matches with overlap 0 and the benchmark part is 0.55 × the best
/// quality, so targets rank by runtime signals and empirical quality.
/// </remarks>
internal sealed class PlanBuilder
{
    private static readonly string[] Kinds = [.. ServiceKinds.All];

    private readonly string _strategy;

    public PlanBuilder(RoutingTable table)
        : this(table, previous: null, change: null)
    {
    }

    /// <summary>
    /// The plans of <paramref name="table"/>. With the <paramref name="previous"/> version's builder and the
    /// <paramref name="change"/> that led from it (a delta), only what the change touches is computed again: the
    /// facts of changed services (and of services on hosts whose gate attributes or samples changed), the direct
    /// plans of their names, and the role plans; everything else is the previous version's, shared.
    /// </summary>
    public PlanBuilder(RoutingTable table, PlanBuilder? previous, TableChangeSet? change)
    {
        _strategy = RoutingStrategies.IsKnown(table.Strategy) ? table.Strategy : RoutingStrategies.Scored;
        if (previous is null || change is null || change.SettingsChanged || previous._strategy != _strategy)
        {
            HostsById = new Dictionary<string, HostAttributes>(StringComparer.Ordinal);
            foreach (var host in table.Hosts)
            {
                HostsById[host.HostId] = HostAttributes.From(host);
            }

            var samples = SamplesOf(table, only: null);

            // (host_id, service_id) order, so that every listing and pool is deterministic.
            var services = new List<ServiceFacts>(table.Services.Count);
            foreach (var view in table.Services.OrderBy(s => s.HostId, StringComparer.Ordinal).ThenBy(s => s.ServiceId, StringComparer.Ordinal))
            {
                services.Add(NewFacts(view, samples));
            }

            Services = services;
            ServicesById = IndexById(services);
            ServicesOfKind = ByKind(services);
            Roles = RoleFactsOf(table);
            Direct = BuildDirectPlans(services, previous: null, affected: null);
            RolePlans = BuildRolePlans();
            Resolved = BuildResolved();
            return;
        }

        HostsById = new Dictionary<string, HostAttributes>(previous.HostsById, StringComparer.Ordinal);
        var regated = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (hostId, view) in change.Hosts)
        {
            var before = previous.HostsById.GetValueOrDefault(hostId) ?? HostAttributes.Empty;
            var after = view is null ? HostAttributes.Empty : HostAttributes.From(view);
            if (view is null)
            {
                HostsById.Remove(hostId);
            }
            else
            {
                HostsById[hostId] = after;
            }

            if (!before.SameAs(after))
            {
                regated.Add(hostId);
            }
        }

        // Samples are read again only for the services whose samples changed and for services new to the table.
        var needSamples = new HashSet<string>(change.SampleServices, StringComparer.Ordinal);
        foreach (var (serviceId, view) in change.Services)
        {
            if (view is not null && !previous.ServicesById.ContainsKey(serviceId))
            {
                needSamples.Add(serviceId);
            }
        }

        var freshSamples = needSamples.Count == 0 ? null : SamplesOf(table, needSamples);
        var rebuilt = new List<(ServiceFacts? Before, ServiceFacts? After)>();
        var kept = new List<ServiceFacts>(table.Services.Count);
        foreach (var view in table.Services)
        {
            var before = previous.ServicesById.GetValueOrDefault(view.ServiceId);
            if (before is not null && ReferenceEquals(before.View, view) && !regated.Contains(view.HostId) && !needSamples.Contains(view.ServiceId))
            {
                kept.Add(before);
                continue;
            }

            var host = HostsById.GetValueOrDefault(view.HostId) ?? HostAttributes.Empty;
            var samplesOfService = freshSamples is not null && needSamples.Contains(view.ServiceId)
                ? (freshSamples.TryGetValue(view.ServiceId, out var own) ? [.. own] : [])
                : before?.Samples ?? [];
            var after = new ServiceFacts(view, host, samplesOfService);
            kept.Add(after);
            rebuilt.Add((before, after));
        }

        foreach (var (serviceId, view) in change.Services)
        {
            if (view is null && previous.ServicesById.TryGetValue(serviceId, out var gone))
            {
                rebuilt.Add((gone, null));
            }
        }

        Services = kept;
        if (rebuilt.Count == 0)
        {
            ServicesById = previous.ServicesById;
            ServicesOfKind = previous.ServicesOfKind;
            Direct = previous.Direct;
        }
        else
        {
            ServicesById = IndexById(kept);
            ServicesOfKind = ByKind(kept);
            var affected = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (before, after) in rebuilt)
            {
                AddNames(affected, before);
                AddNames(affected, after);
            }

            Direct = BuildDirectPlans(kept, previous.Direct, affected);
        }

        Roles = change.RolesChanged ? RoleFactsOf(table) : previous.Roles;
        var rolesTouched = change.RolesChanged || rebuilt.Count > 0;
        RolePlans = rolesTouched ? BuildRolePlans() : previous.RolePlans;
        Resolved = rolesTouched ? BuildResolved() : previous.Resolved;
    }

    /// <summary>The gate attributes of each host, by host id.</summary>
    public Dictionary<string, HostAttributes> HostsById { get; }

    /// <summary>Each service's facts by service id (the first of a duplicated id).</summary>
    public Dictionary<string, ServiceFacts> ServicesById { get; }

    public IReadOnlyList<ServiceFacts> Services { get; }

    /// <summary>Services per kind, indexed like <see cref="KindIndex"/>.</summary>
    public IReadOnlyList<ServiceFacts>[] ServicesOfKind { get; }

    public Dictionary<string, RoleFacts> Roles { get; }

    /// <summary>Direct plans per kind, by service id and asset id. A plan may have no targets (every match ineligible).</summary>
    public Dictionary<string, RoutePlan>[] Direct { get; }

    /// <summary>Role plans by role id (for the role's own operation).</summary>
    public Dictionary<string, RoutePlan> RolePlans { get; }

    /// <summary>What each name resolves to per kind: direct with targets, else the role, else direct without targets.</summary>
    public Dictionary<string, RoutePlan>[] Resolved { get; }

    public string Strategy => _strategy;

    public static IReadOnlyList<string> KindNames => Kinds;

    public static int KindIndex(string? kind) => kind switch
    {
        ServiceKinds.Chat => 0,
        ServiceKinds.Embeddings => 1,
        ServiceKinds.Transcription => 2,
        ServiceKinds.Rerank => 3,
        _ => -1,
    };

    private ServiceFacts NewFacts(ServiceView view, Dictionary<string, List<ScoredSample>> samples) => new(
        view,
        HostsById.GetValueOrDefault(view.HostId) ?? HostAttributes.Empty,
        samples.TryGetValue(view.ServiceId, out var own) ? [.. own] : []);

    private static Dictionary<string, List<ScoredSample>> SamplesOf(RoutingTable table, HashSet<string>? only)
    {
        var samples = new Dictionary<string, List<ScoredSample>>(StringComparer.Ordinal);
        foreach (var sample in table.Benchmarks)
        {
            if (only is not null && !only.Contains(sample.ServiceId))
            {
                continue;
            }

            if (!samples.TryGetValue(sample.ServiceId, out var list))
            {
                samples[sample.ServiceId] = list = [];
            }

            list.Add(ScoredSample.From(sample));
        }

        return samples;
    }

    private static Dictionary<string, ServiceFacts> IndexById(List<ServiceFacts> services)
    {
        var byId = new Dictionary<string, ServiceFacts>(services.Count, StringComparer.Ordinal);
        foreach (var service in services)
        {
            byId.TryAdd(service.ServiceId, service);
        }

        return byId;
    }

    private static IReadOnlyList<ServiceFacts>[] ByKind(List<ServiceFacts> services)
    {
        var byKind = new List<ServiceFacts>[Kinds.Length];
        for (var k = 0; k < Kinds.Length; k++)
        {
            byKind[k] = [];
        }

        foreach (var service in services)
        {
            var k = KindIndex(service.View.Kind);
            if (k >= 0)
            {
                byKind[k].Add(service);
            }
        }

        return byKind;
    }

    private Dictionary<string, RoleFacts> RoleFactsOf(RoutingTable table)
    {
        var roles = new Dictionary<string, RoleFacts>(StringComparer.Ordinal);
        foreach (var role in table.Roles)
        {
            roles[role.RoleId] = new RoleFacts(role, _strategy);
        }

        return roles;
    }

    /// <summary>The names a service answers to directly: its id and its asset ids.</summary>
    private static void AddNames(HashSet<string> names, ServiceFacts? service)
    {
        if (service is null)
        {
            return;
        }

        names.Add(service.ServiceId);
        foreach (var asset in service.View.Assets)
        {
            names.Add(asset.AssetId);
        }
    }

    /// <summary>
    /// The direct plans: every name's, or, given the <paramref name="previous"/> plans, the previous ones with only the
    /// <paramref name="affected"/> names' plans built again (a name no service answers to any more is dropped).
    /// </summary>
    private Dictionary<string, RoutePlan>[] BuildDirectPlans(
        List<ServiceFacts> services, Dictionary<string, RoutePlan>[]? previous, HashSet<string>? affected)
    {
        var byName = new Dictionary<string, List<ServiceFacts>>(StringComparer.Ordinal);
        void Index(string name, ServiceFacts service)
        {
            if (string.IsNullOrEmpty(name) || (affected is not null && !affected.Contains(name)))
            {
                return;
            }

            if (!byName.TryGetValue(name, out var list))
            {
                byName[name] = list = new List<ServiceFacts>(1);
            }

            // A service whose id is also one of its asset ids (or lists an asset twice) counts once.
            if (list.Count == 0 || !ReferenceEquals(list[^1], service))
            {
                list.Add(service);
            }
        }

        foreach (var service in services)
        {
            Index(service.ServiceId, service);
            foreach (var asset in service.View.Assets)
            {
                Index(asset.AssetId, service);
            }
        }

        var plans = new Dictionary<string, RoutePlan>[Kinds.Length];
        for (var k = 0; k < Kinds.Length; k++)
        {
            plans[k] = previous is null
                ? new Dictionary<string, RoutePlan>(StringComparer.Ordinal)
                : new Dictionary<string, RoutePlan>(previous[k], StringComparer.Ordinal);
            if (affected is not null)
            {
                foreach (var name in affected)
                {
                    plans[k].Remove(name);
                }
            }
        }

        foreach (var (name, matches) in byName)
        {
            for (var k = 0; k < Kinds.Length; k++)
            {
                foreach (var service in matches)
                {
                    if (service.View.Kind == Kinds[k])
                    {
                        plans[k][name] = BuildDirectPlan(name, Kinds[k], matches);
                        break;
                    }
                }
            }
        }

        return plans;
    }

    private RoutePlan BuildDirectPlan(string name, string kind, List<ServiceFacts> matches)
    {
        var targets = new List<RouteTarget>(matches.Count);
        List<ExcludedService>? excluded = null;
        foreach (var service in matches)
        {
            var reason = service.View.Kind != kind ? ExclusionReasons.WrongKind : service.AcceptReason;
            if (reason is not null)
            {
                (excluded ??= []).Add(new ExcludedService(service.ServiceId, service.View.HostId, reason));
                continue;
            }

            targets.Add(MakeTarget(service, name, kind, role: null, BenchmarkQuery.Empty, familyRank: 0, familyMatch: null));
        }

        // Loaded first: a cold model costs a load on the first request, whatever else the score says.
        targets.Sort(static (a, b) =>
        {
            var loaded = b.Loaded.CompareTo(a.Loaded);
            if (loaded != 0)
            {
                return loaded;
            }

            var score = b.Score.CompareTo(a.Score);
            return score != 0 ? score : string.CompareOrdinal(a.ServiceId, b.ServiceId);
        });

        return new RoutePlan
        {
            MatchType = "direct",
            Model = name,
            Kind = kind,
            Strategy = _strategy,
            Targets = [.. targets],
            Excluded = excluded is null ? [] : [.. excluded],
        };
    }

    private Dictionary<string, RoutePlan> BuildRolePlans()
    {
        var plans = new Dictionary<string, RoutePlan>(StringComparer.Ordinal);
        foreach (var role in Roles.Values)
        {
            if (role.Kind is { } kind)
            {
                plans[role.RoleId] = BuildRolePlan(role, kind);
            }
        }

        return plans;
    }

    private RoutePlan BuildRolePlan(RoleFacts primary, string kind)
    {
        var excluded = new List<ExcludedService>();
        var visited = new HashSet<string>(StringComparer.Ordinal) { primary.RoleId };
        var (pool, source) = ResolvePool(primary, kind, visited, excluded, viaFallback: false);

        var targets = new List<RouteTarget>(pool.Count);
        if (pool.Count > 0)
        {
            // The family signal is relative to the requested role's preference, also when a fallback supplied the pool.
            var ranks = new int[pool.Count];
            var bestRank = 0;
            for (var i = 0; i < pool.Count; i++)
            {
                ranks[i] = primary.FamilyRank(pool[i]);
                bestRank = Math.Max(bestRank, ranks[i]);
            }

            for (var i = 0; i < pool.Count; i++)
            {
                var familyMatch = bestRank > 0 && ranks[i] == bestRank ? 1.0 : 0.0;
                targets.Add(MakeTarget(pool[i], primary.RoleId, kind, primary.Role, primary.Query, ranks[i], familyMatch));
            }

            targets.Sort(static (a, b) =>
            {
                var score = b.Score.CompareTo(a.Score);
                return score != 0 ? score : string.CompareOrdinal(a.ServiceId, b.ServiceId);
            });
        }

        return new RoutePlan
        {
            MatchType = "role",
            Model = primary.RoleId,
            Kind = kind,
            Role = primary.Role,
            FallbackVia = ReferenceEquals(source, primary) || pool.Count == 0 ? null : source.RoleId,
            Strategy = primary.Strategy,
            Targets = [.. targets],
            Excluded = [.. excluded],
        };
    }

    /// <summary>
    /// The role's eligible pool; when it is empty (also when <c>require_loaded</c> emptied it), the first
    /// fallback role (in order, depth first, each id at most once) whose pool is not. Returns the pool and the
    /// role that supplied it.
    /// </summary>
    private (List<ServiceFacts> Pool, RoleFacts Source) ResolvePool(
        RoleFacts role, string kind, HashSet<string> visited, List<ExcludedService> excluded, bool viaFallback)
    {
        var pool = EligiblePool(role, kind, excluded, viaFallback);
        if (pool.Count > 0)
        {
            return (pool, role);
        }

        foreach (var fallbackId in role.Role.RoutingPolicy.FallbackRoles)
        {
            if (!visited.Add(fallbackId) || !Roles.TryGetValue(fallbackId, out var fallback) || fallback.Kind != kind)
            {
                continue;
            }

            var found = ResolvePool(fallback, kind, visited, excluded, viaFallback: true);
            if (found.Pool.Count > 0)
            {
                return found;
            }
        }

        return (pool, role);
    }

    private List<ServiceFacts> EligiblePool(RoleFacts role, string kind, List<ExcludedService> excluded, bool viaFallback)
    {
        void Exclude(ServiceFacts service, string reason) => excluded.Add(new ExcludedService(
            service.ServiceId, service.View.HostId, viaFallback ? ExclusionReasons.ViaFallback(role.RoleId, reason) : reason));

        var pool = new List<ServiceFacts>();
        foreach (var service in ServicesOfKind[KindIndex(kind)])
        {
            if (Eligibility.ForRole(role, service) is { } reason)
            {
                Exclude(service, reason);
            }
            else if (role.Role.RoutingPolicy.RequireLoaded && !service.Runtime.Loaded)
            {
                Exclude(service, ExclusionReasons.NotLoaded);
            }
            else
            {
                pool.Add(service);
            }
        }

        if (role.Families.Length > 0 && pool.Count > 1)
        {
            // Ordered preference: the best family present wins the pool; lower ones are fallbacks, not peers.
            var ranks = new int[pool.Count];
            var best = 0;
            for (var i = 0; i < pool.Count; i++)
            {
                ranks[i] = role.FamilyRank(pool[i]);
                best = Math.Max(best, ranks[i]);
            }

            if (best > 0)
            {
                var kept = new List<ServiceFacts>(pool.Count);
                for (var i = 0; i < pool.Count; i++)
                {
                    if (ranks[i] == best)
                    {
                        kept.Add(pool[i]);
                    }
                    else
                    {
                        Exclude(pool[i], ExclusionReasons.FamilyNotPreferred);
                    }
                }

                pool = kept;
            }
        }

        return pool;
    }

    private static RouteTarget MakeTarget(
        ServiceFacts service, string name, string kind, RoleView? role, BenchmarkQuery query, int familyRank, double? familyMatch)
    {
        double score;
        CandidateSignals signals;
        ImmutableArray<string> reasons;
        if (query.IsEmpty && familyMatch is null)
        {
            score = service.BaseScore;
            signals = service.BaseSignals;
            reasons = service.BaseReasons;
        }
        else
        {
            var benchmark = query.IsEmpty ? service.BaseBenchmark : BenchmarkScorer.Score(service.Samples, query);
            score = CandidateScorer.ServiceScore(0, service.RuntimeScore, benchmark.Score);
            signals = CandidateScorer.Signals(0, service.RuntimeScore, service.Runtime, benchmark, familyMatch);
            var list = new List<string>(7);
            if (familyMatch is 1.0)
            {
                list.Add("service matches the role's best preferred model family");
            }

            RuntimeScorer.AddReasons(service.Runtime, list);
            BenchmarkScorer.AddReasons(benchmark, list);
            reasons = [.. list];
        }

        var view = service.View;
        var asset = UpstreamModels.SelectAsset(view.Assets, name);
        var servesRequestedAsset = asset is not null && string.Equals(asset.AssetId, name, StringComparison.Ordinal);
        return new RouteTarget
        {
            Loaded = servesRequestedAsset ? asset!.Loaded : service.Runtime.Loaded,
            Service = view,
            BaseUrl = service.BaseUrl,
            UpstreamModel = asset?.AssetId ?? name,
            Policy = PolicyMerger.For(kind, name, view, asset, role),
            Score = score,
            Signals = signals,
            Reasons = reasons,
            FamilyRank = familyRank,
        };
    }

    private Dictionary<string, RoutePlan>[] BuildResolved()
    {
        var resolved = new Dictionary<string, RoutePlan>[Kinds.Length];
        for (var k = 0; k < Kinds.Length; k++)
        {
            if (!RolePlans.Values.Any(plan => plan.Kind == Kinds[k]))
            {
                // No role of this kind: the direct index is the whole answer, no copy needed.
                resolved[k] = Direct[k];
                continue;
            }

            var map = new Dictionary<string, RoutePlan>(Direct[k], StringComparer.Ordinal);
            foreach (var (roleId, plan) in RolePlans)
            {
                // A direct name beats a role of the same name only when it can serve; otherwise the role is used.
                if (plan.Kind == Kinds[k] && (!map.TryGetValue(roleId, out var direct) || direct.Targets.IsEmpty))
                {
                    map[roleId] = plan;
                }
            }

            resolved[k] = map;
        }

        return resolved;
    }
}
