using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Contracts.Nodes;
using GenieHive.NodeAgent.Configuration;
using Microsoft.Extensions.Options;

namespace GenieHive.NodeAgent.Inventory;

/// <summary>Builds what goes to Control (registration and heartbeat) and what the node API shows, from one snapshot.</summary>
internal sealed class RegistrationBuilder(NodeInventory inventory, IOptions<NodeOptions> options, TimeProvider timeProvider)
{
    public string HostId => options.Value.EffectiveHostId;

    /// <summary>The host with every service's live state: the body of <c>POST /v1/nodes/register</c>.</summary>
    public HostRegistration BuildRegistration()
    {
        var node = options.Value;
        var services = inventory.Services;
        return new HostRegistration
        {
            HostId = HostId,
            DisplayName = node.DisplayName,
            Address = node.Address,
            Labels = new Dictionary<string, string>(node.Labels, StringComparer.Ordinal),
            Capabilities = new JsonObject
            {
                [ServiceKinds.Chat] = services.Any(s => s.Definition.Kind == ServiceKinds.Chat),
                [ServiceKinds.Embeddings] = services.Any(s => s.Definition.Kind == ServiceKinds.Embeddings),
                [ServiceKinds.Transcription] = services.Any(s => s.Definition.Kind == ServiceKinds.Transcription),
                [ServiceKinds.Rerank] = services.Any(s => s.Definition.Kind == ServiceKinds.Rerank),
            },
            Resources = new JsonObject
            {
                ["cpu_threads"] = Environment.ProcessorCount,
                ["ram_gb"] = Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1),
                ["os"] = RuntimeInformation.OSDescription,
                ["agent"] = NodeAgentTelemetry.Name,
            },
            Services = [.. services.Select(s => s.ToRegisteredService(HostId))],
        };
    }

    /// <summary>
    /// The body of <c>POST /v1/nodes/heartbeat</c>: every service's live state (Control replaces the host's
    /// services when the list is non-empty) and counts for the dashboard.
    /// </summary>
    public NodeHeartbeat BuildHeartbeat()
    {
        var services = inventory.Services;
        var discoveredModels = services
            .SelectMany(s => s.DiscoveredAssetIds)
            .Distinct(StringComparer.Ordinal)
            .Count();
        return new NodeHeartbeat
        {
            HostId = HostId,
            Status = new HeartbeatStatus
            {
                State = "online",
                LastSeen = timeProvider.UnixSeconds(),
            },
            Metrics = new JsonObject
            {
                ["service_count"] = services.Count,
                ["healthy_service_count"] = services.Count(s => s.Health == HealthStates.Healthy),
                ["discovered_model_count"] = discoveredModels,
                ["loaded_model_count"] = services.Sum(s => s.Assets.Count(a => a.Loaded)),
                ["queue_depth"] = services.Sum(s => s.Observed?.QueueDepth ?? 0),
                ["in_flight"] = services.Sum(s => s.Observed?.InFlight ?? 0),
            },
            Services = services.Count == 0 ? null : [.. services.Select(s => s.ToRegisteredService(HostId))],
        };
    }
}
