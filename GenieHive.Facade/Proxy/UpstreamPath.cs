using System.Collections.Concurrent;

namespace GenieHive.Facade.Proxy;

/// <summary>An upstream API path (<c>/v1/chat/completions</c>) and its URL on each service, built once per service.</summary>
internal sealed class UpstreamPath(string path)
{
    private const int MaxCachedUris = 10_000;
    private readonly ConcurrentDictionary<string, Uri> _uris = new(StringComparer.Ordinal);

    public string Path { get; } = path;

    /// <summary>The URL of this path on the service at <paramref name="baseUrl"/>.</summary>
    public Uri On(string baseUrl)
    {
        if (_uris.TryGetValue(baseUrl, out var uri))
        {
            return uri;
        }

        if (_uris.Count >= MaxCachedUris)
        {
            _uris.Clear();
        }

        return _uris.GetOrAdd(baseUrl, static (b, path) => new Uri(b.TrimEnd('/') + path, UriKind.Absolute), Path);
    }
}
