using GenieHive.Routing.Planning;

namespace GenieHive.Routing.Catalog;

/// <summary>Builds the <c>/v1/models</c> listing of a snapshot from its plans.</summary>
internal static class ModelCatalogBuilder
{
    public static List<ModelListing> Build(PlanBuilder plans)
    {
        var serviceIds = new HashSet<string>(plans.Services.Select(s => s.ServiceId), StringComparer.Ordinal);
        var entries = new Dictionary<string, ModelListing>(StringComparer.Ordinal);

        // Direct names: the kind that can serve wins, then kind order (chat, embeddings, transcription).
        for (var k = 0; k < PlanBuilder.KindNames.Count; k++)
        {
            foreach (var (name, plan) in plans.Direct[k])
            {
                if (entries.TryGetValue(name, out var existing) && (existing.EligibleTargetCount > 0 || plan.Targets.IsEmpty))
                {
                    continue;
                }

                entries[name] = Direct(name, plan, serviceIds.Contains(name));
            }
        }

        // Roles last, so that a role replaces a direct name with the same id.
        foreach (var role in plans.Roles.Values)
        {
            var plan = plans.RolePlans.GetValueOrDefault(role.RoleId);
            entries[role.RoleId] = Role(role, plan);
        }

        var list = entries.Values.ToList();
        list.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        return list;
    }

    private static ModelListing Direct(string name, RoutePlan plan, bool isServiceId)
    {
        var owner = !plan.Targets.IsEmpty ? plan.Targets[0].HostId
            : plan.Excluded.FirstOrDefault(e => e.Reason != ExclusionReasons.WrongKind)?.HostId ?? string.Empty;
        var (loaded, bestP50) = Summarize(plan);
        return new ModelListing
        {
            Id = name,
            RouteType = isServiceId ? ModelRouteTypes.Service : ModelRouteTypes.Asset,
            Kind = plan.Kind,
            OwnedBy = owner,
            Health = plan.Targets.IsEmpty ? ModelHealth.Unavailable : ModelHealth.Healthy,
            Loaded = loaded,
            BestP50LatencyMs = bestP50,
            EligibleTargetCount = plan.Targets.Length,
        };
    }

    private static ModelListing Role(RoleFacts role, RoutePlan? plan)
    {
        var (loaded, bestP50) = plan is null ? (false, null) : Summarize(plan);
        var served = plan is not null && !plan.Targets.IsEmpty;
        return new ModelListing
        {
            Id = role.RoleId,
            RouteType = ModelRouteTypes.Role,
            Kind = role.Role.Operation,
            OwnedBy = ModelOwners.Role,
            Health = served ? ModelHealth.Healthy : ModelHealth.Unavailable,
            Loaded = loaded,
            BestP50LatencyMs = bestP50,
            EligibleTargetCount = served && plan!.FallbackVia is null ? plan.Targets.Length : 0,
            FallbackVia = plan?.FallbackVia,
            DisplayName = role.Role.DisplayName,
            Description = role.Role.Description,
            Modality = role.Role.Modality,
        };
    }

    private static (bool Loaded, double? BestP50) Summarize(RoutePlan plan)
    {
        var loaded = false;
        double? best = null;
        foreach (var target in plan.Targets)
        {
            loaded |= target.Loaded;
            if (target.Signals.P50LatencyMs is { } p50 && (best is null || p50 < best))
            {
                best = p50;
            }
        }

        return (loaded, best);
    }
}
