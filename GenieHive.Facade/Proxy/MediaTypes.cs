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
