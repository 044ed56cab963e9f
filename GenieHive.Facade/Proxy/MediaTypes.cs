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

    /// <summary>What OpenAI labels transcripts in <c>text</c>, <c>srt</c> and <c>vtt</c> format with.</summary>
    public const string PlainTextUtf8 = "text/plain; charset=utf-8";

    /// <summary>SubRip or WebVTT subtitles as engines label them (<c>application/x-subrip</c>, <c>text/vtt</c>, and kin).</summary>
    public static bool IsSubtitles(string? contentType)
    {
        var type = Essence(contentType);
        return type.Equals("application/x-subrip", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/srt", StringComparison.OrdinalIgnoreCase)
            || type.Equals("text/srt", StringComparison.OrdinalIgnoreCase)
            || type.Equals("text/vtt", StringComparison.OrdinalIgnoreCase);
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
