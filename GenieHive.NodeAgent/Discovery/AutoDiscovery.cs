using GenieHive.Contracts;
using GenieHive.NodeAgent.Configuration;
using GenieHive.NodeAgent.Inventory;
using Microsoft.Extensions.Options;

namespace GenieHive.NodeAgent.Discovery;

/// <summary>
/// Zero-configuration start: with no services configured, look for engines on their usual local ports and
/// register what answers as chat services (<c>{hostId}-{engine}</c>). Runs every discovery pass, so an engine
/// started after the agent appears.
/// </summary>
internal sealed partial class AutoDiscovery(
    EngineHttpClient http,
    NodeInventory inventory,
    IOptions<NodeOptions> options,
    ILogger<AutoDiscovery> logger)
{
    private bool _reportedNothing;

    public bool Enabled => options.Value.AutoDiscover && !inventory.HasConfiguredServices;

    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        var node = options.Value;
        var candidates = node.AutoDiscoverEndpoints
            .Select(c => (Candidate: c, Definition: Define(node, c)))
            .Where(c => !inventory.Contains(c.Definition.ServiceId))
            .ToList();
        if (candidates.Count == 0)
        {
            return;
        }

        var answers = await Task.WhenAll(candidates.Select(c => AnswersAsync(c.Candidate, cancellationToken))).ConfigureAwait(false);
        var found = false;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (answers[i] && inventory.TryAdd(candidates[i].Definition))
            {
                found = true;
                LogFound(logger, candidates[i].Candidate.Engine, candidates[i].Candidate.Endpoint, candidates[i].Definition.ServiceId);
            }
        }

        if (!found && !_reportedNothing && inventory.Services.Count == 0)
        {
            _reportedNothing = true;
            LogNothingFound(logger, string.Join(", ", candidates.Select(c => $"{c.Candidate.Engine} at {c.Candidate.Endpoint}")));
        }
    }

    /// <summary>
    /// The id is <c>{hostId}-{engine}</c>; when several candidates share an engine the port is added so ids stay unique.
    /// </summary>
    public static ServiceDefinition Define(NodeOptions node, AutoDiscoverEndpointOptions candidate)
    {
        var shared = node.AutoDiscoverEndpoints.Count(c => string.Equals(c.Engine, candidate.Engine, StringComparison.Ordinal)) > 1;
        var id = $"{node.EffectiveHostId}-{candidate.Engine}";
        if (shared && Uri.TryCreate(candidate.Endpoint, UriKind.Absolute, out var uri))
        {
            id += "-" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new ServiceDefinition
        {
            ServiceId = id,
            Kind = ServiceKinds.Chat,
            Endpoint = candidate.Endpoint,
            Discover = candidate.Engine,
            AutoDiscovered = true,
        };
    }

    // A port that merely accepts connections is not an engine: it must answer the engine's model list.
    private async Task<bool> AnswersAsync(AutoDiscoverEndpointOptions candidate, CancellationToken cancellationToken)
    {
        var (path, listName) = candidate.Engine == DiscoveryProtocols.Ollama ? (OllamaDiscoverer.TagsPath, "models") : (OpenAiModelList.Path, "data");
        var response = await http.GetAsync(candidate.Endpoint, path, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            return false;
        }

        using var document = EngineJson.TryParse(response.Body);
        return document is not null && EngineJson.TryGetArray(document.RootElement, listName, out _);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No services configured; found {Engine} at {Endpoint}, serving it as {ServiceId}")]
    private static partial void LogFound(ILogger logger, string engine, string endpoint, string serviceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "No services configured; found nothing at {Candidates}, will keep looking")]
    private static partial void LogNothingFound(ILogger logger, string candidates);
}
