using System.Net.Http.Headers;

namespace GenieHive.Facade.Proxy;

/// <summary>Content-type checks without parsing into header objects.</summary>
internal static class MediaTypes
{
    /// <summary><c>application/json</c> or any <c>+json</c> type, parameters allowed.</summary>
    public static bool IsJson(string? contentType)
    {
        var type = Essence(contentType);
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    public static bool IsEventStream(string? contentType) =>
        Essence(contentType).Equals("text/event-stream", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The content type a transcript answered in <paramref name="upstream"/> is relayed with: OpenAI labels the
    /// <c>text</c>, <c>srt</c> and <c>vtt</c> formats <c>text/plain</c>, and OpenAI's .NET SDK parses anything else that
    /// is not <c>text/plain</c> as JSON. Engines differ (whisper.cpp says <c>text/html</c>, <c>application/x-subrip</c>,
    /// <c>text/vtt</c>), so a non-JSON transcript is relabelled, its charset kept. Null: keep the upstream's label.
    /// </summary>
    public static string? TranscriptLabel(MediaTypeHeaderValue? upstream)
    {
        if (upstream?.MediaType is not { } type
            || IsJson(type)
            || type.Equals("text/plain", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return "text/plain; charset=" + (string.IsNullOrWhiteSpace(upstream.CharSet) ? "utf-8" : upstream.CharSet);
    }

    public static bool IsMultipartFormData(string? contentType) =>
        Essence(contentType).Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);

    private static ReadOnlySpan<char> Essence(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return [];
        }

        var span = contentType.AsSpan();
        var semicolon = span.IndexOf(';');
        return (semicolon >= 0 ? span[..semicolon] : span).Trim();
    }
}
