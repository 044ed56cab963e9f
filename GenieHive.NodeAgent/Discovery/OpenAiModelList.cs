using System.Text.Json;

namespace GenieHive.NodeAgent.Discovery;

/// <summary>
/// Reads <c>GET /v1/models</c>, which every OpenAI-compatible engine answers with
/// <c>{"object":"list","data":[{"id":...}, ...]}</c> plus engine-specific fields on each entry.
/// </summary>
internal static class OpenAiModelList
{
    public const string Path = "/v1/models";

    /// <summary>Fetches and parses the list; <paramref name="read"/> turns each entry into an asset (null skips it).</summary>
    public static async Task<(IReadOnlyList<DiscoveredAsset>? Assets, string? Failure)> FetchAsync(
        EngineHttpClient http,
        string endpoint,
        Func<JsonElement, string, DiscoveredAsset?> read,
        CancellationToken cancellationToken)
    {
        var response = await http.GetAsync(endpoint, Path, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            return (null, response.Describe(Path));
        }

        using var document = EngineJson.TryParse(response.Body);
        if (document is null || !EngineJson.TryGetArray(document.RootElement, "data", out var data))
        {
            return (null, $"GET {Path} did not answer a model list");
        }

        var assets = new List<DiscoveredAsset>();
        foreach (var entry in data.EnumerateArray())
        {
            if (EngineJson.GetString(entry, "id") is { } id && read(entry, id.Trim()) is { } asset)
            {
                assets.Add(asset);
            }
        }

        return (assets, null);
    }
}
