using System.Text.Json;
using GenieHive.Contracts;
using GenieHive.Contracts.Nodes;
using GenieHive.NodeAgent.Discovery;

namespace GenieHive.NodeAgent.Inventory;

/// <summary>
/// Folds one pass of probes into a service's state. Pure, so that the health rules are tested without a server:
/// <list type="bullet">
/// <item>an engine that answers "not ready" (llama.cpp's 503 while loading) is unhealthy at once;</item>
/// <item>a failure to get an answer (refused, timed out, discovery failed) keeps the last known state, and
/// only <c>unhealthyAfter</c> failures in a row make the service unhealthy;</item>
/// <item>one clean pass makes it healthy again.</item>
/// </list>
/// </summary>
internal static class ServiceStateReducer
{
    public static ServiceLiveState Apply(
        ServiceLiveState current,
        HealthOutcome health,
        DiscoveryOutcome discovery,
        int unhealthyAfter,
        DateTimeOffset now)
    {
        var next = current with { LastProbeAt = now };
        if (discovery.Report is { } report)
        {
            next = ApplyReport(next, report);
        }

        var failure = (health.Verdict, discovery.Failure) switch
        {
            (HealthVerdict.Unreachable, { } discoveryFailure) when !string.Equals(health.Detail, discoveryFailure, StringComparison.Ordinal)
                => $"{health.Detail}; discovery: {discoveryFailure}",
            (HealthVerdict.Unreachable, _) => health.Detail ?? "unreachable",
            (HealthVerdict.Unhealthy, _) => health.Detail ?? "unhealthy",
            (_, { } discoveryFailure) => "discovery: " + discoveryFailure,
            _ => null,
        };

        if (failure is null)
        {
            return next with
            {
                Health = HealthStates.Healthy,
                Detail = null,
                ConsecutiveFailures = 0,
                LastSuccessAt = now,
            };
        }

        var failures = current.ConsecutiveFailures + 1;
        next = next with { ConsecutiveFailures = failures, LastFailure = failure };
        if (health.Verdict == HealthVerdict.Unhealthy)
        {
            return next with { Health = HealthStates.Unhealthy, Detail = failure };
        }

        return failures >= unhealthyAfter
            // The count stays out of the detail so that it only changes when the reason does.
            ? next with { Health = HealthStates.Unhealthy, Detail = $"{unhealthyAfter} or more failed probes in a row; last: {failure}" }
            : next;
    }

    /// <summary>
    /// Rebuilt from the definition each time, so a model the engine no longer lists disappears unless it was
    /// configured, and configured values stay the starting point for what the engine does not say.
    /// </summary>
    public static ServiceLiveState ApplyReport(ServiceLiveState state, EngineReport report)
    {
        var definition = state.Definition;
        var configuredRuntime = definition.Runtime ?? new ServiceRuntime();
        var extra = configuredRuntime.Extra;
        if (report.TotalSlots is { } slots)
        {
            extra = new Dictionary<string, JsonElement>(extra ?? [], StringComparer.Ordinal)
            {
                ["total_slots"] = JsonSerializer.SerializeToElement(slots, NodeAgentJsonContext.Default.Int32),
            };
        }

        var configuredObserved = definition.Observed ?? new ServiceObserved();
        return state with
        {
            Assets = MergeAssets(definition.Assets, report),
            Runtime = configuredRuntime with
            {
                Engine = configuredRuntime.Engine ?? report.Engine,
                ContextSize = report.ContextSize ?? configuredRuntime.ContextSize,
                Protocols = MergeProtocols(configuredRuntime.Protocols, report.Protocols),
                Extra = extra,
            },
            Observed = configuredObserved with
            {
                QueueDepth = report.QueueDepth ?? configuredObserved.QueueDepth,
                InFlight = report.InFlight ?? configuredObserved.InFlight,
                LoadedModelCount = report.LoadedModelCount ?? configuredObserved.LoadedModelCount,
                VramUsedBytes = report.VramUsedBytes ?? configuredObserved.VramUsedBytes,
            },
            DiscoveredAssetIds = [.. report.Assets.Select(a => a.AssetId)],
        };
    }

    /// <summary>The configured protocols, then those the engine is known to speak that were not configured.</summary>
    public static List<string>? MergeProtocols(List<string>? configured, IReadOnlyList<string> discovered)
    {
        if (discovered.Count == 0)
        {
            return configured;
        }

        var merged = new List<string>(configured ?? []);
        foreach (var protocol in discovered)
        {
            if (!merged.Contains(protocol, StringComparer.OrdinalIgnoreCase))
            {
                merged.Add(protocol);
            }
        }

        return merged;
    }

    /// <summary>
    /// Configured assets first (in their order), corrected by what the engine says; then the engine's other models.
    /// When the engine is authoritative about loading (Ollama), a configured model it does not list as loaded is not loaded.
    /// </summary>
    public static IReadOnlyList<ServiceAsset> MergeAssets(IReadOnlyList<ServiceAsset> configured, EngineReport report)
    {
        var discovered = new Dictionary<string, DiscoveredAsset>(StringComparer.Ordinal);
        foreach (var asset in report.Assets)
        {
            discovered.TryAdd(asset.AssetId, asset);
        }

        var merged = new List<ServiceAsset>(configured.Count + report.Assets.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var asset in configured)
        {
            if (!seen.Add(asset.AssetId))
            {
                continue;
            }

            if (discovered.TryGetValue(asset.AssetId, out var found))
            {
                merged.Add(asset with { Loaded = found.Loaded, ContextSize = found.ContextSize ?? asset.ContextSize });
            }
            else
            {
                merged.Add(report.LoadedIsAuthoritative ? asset with { Loaded = false } : asset);
            }
        }

        foreach (var asset in report.Assets)
        {
            if (seen.Add(asset.AssetId))
            {
                merged.Add(new ServiceAsset { AssetId = asset.AssetId, Loaded = asset.Loaded, ContextSize = asset.ContextSize });
            }
        }

        return merged;
    }
}
