using System.Text.Json;
using GenieHive.Contracts;

namespace GenieHive.NodeAgent.Discovery;

/// <summary>
/// Ollama: <c>GET /api/tags</c> lists the models on disk (<c>models[].name</c>), <c>GET /api/ps</c> the ones in
/// memory (<c>models[].name</c>, <c>size_vram</c>, <c>context_length</c>). A model is loaded exactly when ps lists it.
/// </summary>
internal sealed class OllamaDiscoverer(EngineHttpClient http) : IEngineDiscoverer
{
    public const string TagsPath = "/api/tags";
    public const string PsPath = "/api/ps";

    public string Protocol => DiscoveryProtocols.Ollama;

    public async Task<DiscoveryOutcome> DiscoverAsync(string endpoint, CancellationToken cancellationToken)
    {
        var tags = await http.GetAsync(endpoint, TagsPath, cancellationToken).ConfigureAwait(false);
        if (!tags.IsSuccess)
        {
            return DiscoveryOutcome.Fail(tags.Describe(TagsPath));
        }

        using var tagsDocument = EngineJson.TryParse(tags.Body);
        if (tagsDocument is null || !EngineJson.TryGetArray(tagsDocument.RootElement, "models", out var available))
        {
            return DiscoveryOutcome.Fail($"GET {TagsPath} did not answer a model list");
        }

        // Without ps the loaded flags would be guesses; better to keep the last known state.
        var ps = await http.GetAsync(endpoint, PsPath, cancellationToken).ConfigureAwait(false);
        if (!ps.IsSuccess)
        {
            return DiscoveryOutcome.Fail(ps.Describe(PsPath));
        }

        using var psDocument = EngineJson.TryParse(ps.Body);
        if (psDocument is null || !EngineJson.TryGetArray(psDocument.RootElement, "models", out var running))
        {
            return DiscoveryOutcome.Fail($"GET {PsPath} did not answer a model list");
        }

        var loaded = new Dictionary<string, int?>(StringComparer.Ordinal);
        long vram = 0;
        foreach (var model in running.EnumerateArray())
        {
            if (NameOf(model) is { } name)
            {
                loaded[name] = EngineJson.GetContext(model, "context_length");
                vram += Math.Max(0, EngineJson.GetInt64(model, "size_vram") ?? 0);
            }
        }

        var assets = new List<DiscoveredAsset>();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var model in available.EnumerateArray())
        {
            if (NameOf(model) is { } name && listed.Add(name))
            {
                var isLoaded = loaded.TryGetValue(name, out var context);
                assets.Add(new DiscoveredAsset(name, isLoaded, context));
            }
        }

        // A model can be running without being listed by tags (pulled and removed while loaded): it still answers.
        foreach (var (name, context) in loaded)
        {
            if (listed.Add(name))
            {
                assets.Add(new DiscoveredAsset(name, Loaded: true, context));
            }
        }

        return DiscoveryOutcome.Success(new EngineReport
        {
            Engine = "ollama",
            Assets = assets,
            LoadedIsAuthoritative = true,
            LoadedModelCount = loaded.Count,
            VramUsedBytes = vram,
        });
    }

    private static string? NameOf(JsonElement model) =>
        (EngineJson.GetString(model, "name") ?? EngineJson.GetString(model, "model"))?.Trim();
}
