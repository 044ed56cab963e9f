using System.Net.Http.Headers;
using GenieHive.Facade.Proxy;

namespace GenieHive.Facade.Transcriptions;

/// <summary>The content type a transcript is relayed with.</summary>
internal static class TranscriptLabel
{
    /// <summary>
    /// For a transcript answered in <paramref name="upstream"/>: OpenAI labels the <c>text</c>, <c>srt</c> and
    /// <c>vtt</c> formats <c>text/plain</c>, and OpenAI's .NET SDK parses anything else that is not <c>text/plain</c> as
    /// JSON. Engines differ (whisper.cpp says <c>text/html</c>, <c>application/x-subrip</c>, <c>text/vtt</c>), so a
    /// non-JSON transcript is relabelled, its charset kept. Null: keep the upstream's label.
    /// </summary>
    public static string? For(MediaTypeHeaderValue? upstream)
    {
        if (upstream?.MediaType is not { } type
            || MediaTypes.IsJson(type)
            || type.Equals("text/plain", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return "text/plain; charset=" + (string.IsNullOrWhiteSpace(upstream.CharSet) ? "utf-8" : upstream.CharSet);
    }
}
