using System.Collections.Concurrent;
using GenieHive.Contracts;

namespace GenieHive.Facade.Proxy;

/// <summary>One proxied OpenAI endpoint: its routing kind, upstream path and how its bodies are handled.</summary>
internal sealed class OpenAiOperation
{
    private const int MaxCachedUris = 10_000;
    private readonly ConcurrentDictionary<string, Uri> _uris = new(StringComparer.Ordinal);

    private OpenAiOperation(string name, string kind, string upstreamPath, bool systemPrompt, bool stripReasoning)
    {
        Name = name;
        Kind = kind;
        UpstreamPath = upstreamPath;
        AppliesSystemPrompt = systemPrompt;
        StripsReasoning = stripReasoning;
        ActivityName = "proxy " + name;
    }

    public static OpenAiOperation ChatCompletions { get; } = new("chat", ServiceKinds.Chat, "/v1/chat/completions", systemPrompt: true, stripReasoning: true);

    public static OpenAiOperation Completions { get; } = new("completions", ServiceKinds.Chat, "/v1/completions", systemPrompt: false, stripReasoning: true);

    public static OpenAiOperation Embeddings { get; } = new("embeddings", ServiceKinds.Embeddings, "/v1/embeddings", systemPrompt: false, stripReasoning: false);

    public static OpenAiOperation Transcriptions { get; } = new("transcriptions", ServiceKinds.Transcription, "/v1/audio/transcriptions", systemPrompt: false, stripReasoning: false);

    /// <summary>The metric tag and activity suffix.</summary>
    public string Name { get; }

    /// <summary>The routing kind (<c>chat</c>, <c>embeddings</c>, <c>transcription</c>).</summary>
    public string Kind { get; }

    public string UpstreamPath { get; }

    public bool AppliesSystemPrompt { get; }

    public bool StripsReasoning { get; }

    public string ActivityName { get; }

    /// <summary>The upstream URL for a service base URL, built once per service.</summary>
    public Uri UpstreamUri(string baseUrl)
    {
        if (_uris.TryGetValue(baseUrl, out var uri))
        {
            return uri;
        }

        if (_uris.Count >= MaxCachedUris)
        {
            _uris.Clear();
        }

        return _uris.GetOrAdd(baseUrl, static (b, path) => new Uri(b.TrimEnd('/') + path, UriKind.Absolute), UpstreamPath);
    }
}
