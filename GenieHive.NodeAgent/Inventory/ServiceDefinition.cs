using System.Globalization;
using System.Text.Json;
using GenieHive.Contracts;
using GenieHive.Contracts.Nodes;
using GenieHive.NodeAgent.Configuration;

namespace GenieHive.NodeAgent.Inventory;

/// <summary>
/// A service as configured (or as zero-configuration start found it): the fixed part that discovery and
/// probes start from on every pass.
/// </summary>
internal sealed record ServiceDefinition
{
    public required string ServiceId { get; init; }
    public required string Kind { get; init; }
    public string Protocol { get; init; } = "openai";

    /// <summary>The server root, without a trailing slash.</summary>
    public required string Endpoint { get; init; }

    public string Discover { get; init; } = DiscoveryProtocols.None;
    public IReadOnlyList<ServiceAsset> Assets { get; init; } = [];
    public ServiceRuntime? Runtime { get; init; }
    public ServiceObserved? Observed { get; init; }
    public string Availability { get; init; } = Contracts.Availability.Available;
    public bool AcceptRequests { get; init; } = true;

    /// <summary>True when zero-configuration start added the service.</summary>
    public bool AutoDiscovered { get; init; }

    public static ServiceDefinition FromOptions(NodeServiceOptions options) => new()
    {
        ServiceId = options.ServiceId,
        Kind = options.Kind,
        Protocol = options.Protocol,
        Endpoint = options.Endpoint,
        Discover = options.Discover,
        Assets = [.. options.Assets.Select(a => new ServiceAsset
        {
            AssetId = a.AssetId.Trim(),
            Loaded = a.Loaded,
            ContextSize = a.ContextSize,
            MaxContextTokens = a.MaxContextTokens,
        })],
        Runtime = WithProtocols(ToRuntime(options.Runtime), options.Protocols),
        Observed = options.Observed is { } observed ? new ServiceObserved
        {
            P50LatencyMs = observed.P50LatencyMs,
            P95LatencyMs = observed.P95LatencyMs,
            TtftMs = observed.TtftMs,
            TokensPerSec = observed.TokensPerSec,
            QueueDepth = observed.QueueDepth,
            InFlight = observed.InFlight,
            LoadedModelCount = observed.LoadedModelCount,
            VramUsedBytes = observed.VramUsedBytes,
            MaxContextTokens = observed.MaxContextTokens,
        } : null,
        Availability = Contracts.Availability.Canonical(options.State?.Availability) ?? Contracts.Availability.Available,
        AcceptRequests = options.State?.AcceptRequests ?? true,
    };

    /// <summary>The configured protocols (trimmed, blanks dropped) on the runtime; no runtime is made for none.</summary>
    private static ServiceRuntime? WithProtocols(ServiceRuntime? runtime, List<string> protocols)
    {
        var claimed = protocols.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return claimed.Count == 0 ? runtime : (runtime ?? new ServiceRuntime()) with { Protocols = claimed };
    }

    /// <summary>
    /// Configuration values are strings; the known keys become typed fields and every other key is kept
    /// (snake_case, numbers and booleans typed) because it feeds Control's match text.
    /// </summary>
    private static ServiceRuntime? ToRuntime(Dictionary<string, string> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        string? engine = null;
        string? launcher = null;
        int? contextSize = null;
        int? maxContextTokens = null;
        var extra = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            var name = JsonNamingPolicy.SnakeCaseLower.ConvertName(key);
            switch (name)
            {
                case "engine":
                    engine = value;
                    break;
                case "launcher":
                    launcher = value;
                    break;
                case "context_size" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var context):
                    contextSize = context;
                    break;
                case "max_context_tokens" when int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var max):
                    maxContextTokens = max;
                    break;
                default:
                    extra[name] = ToElement(value);
                    break;
            }
        }

        return new ServiceRuntime
        {
            Engine = engine,
            Launcher = launcher,
            ContextSize = contextSize,
            MaxContextTokens = maxContextTokens,
            Extra = extra.Count == 0 ? null : extra,
        };
    }

    private static JsonElement ToElement(string value)
    {
        if (bool.TryParse(value, out var flag))
        {
            return JsonSerializer.SerializeToElement(flag, NodeAgentJsonContext.Default.Boolean);
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return JsonSerializer.SerializeToElement(number, NodeAgentJsonContext.Default.Double);
        }

        return JsonSerializer.SerializeToElement(value, NodeAgentJsonContext.Default.String);
    }
}
