using System.Buffers.Text;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// Cheap byte scans over response bytes the facade relays anyway, for measurements: whether an event carries
/// generated content (time to first token, chunk counts) and the usage's token counts, in the words of each protocol
/// the facade relays: OpenAI chat's <c>prompt_tokens</c> / <c>completion_tokens</c>, Anthropic Messages' and OpenAI
/// Responses' <c>input_tokens</c> / <c>output_tokens</c> (an engine that speaks those natively is passed through).
/// </summary>
public static class ResponseScanner
{
    /// <summary>The usage's generated tokens (<c>completion_tokens</c>, else <c>output_tokens</c>), or null when absent.</summary>
    public static long? FindCompletionTokens(ReadOnlySpan<byte> utf8) =>
        FindCount(utf8, "\"completion_tokens\""u8) ?? FindCount(utf8, "\"output_tokens\""u8);

    /// <summary>
    /// The usage's prompt tokens (<c>prompt_tokens</c>, else <c>input_tokens</c>), or null when absent (per-key token
    /// limits and the audit).
    /// </summary>
    public static long? FindPromptTokens(ReadOnlySpan<byte> utf8) =>
        FindCount(utf8, "\"prompt_tokens\""u8) ?? FindCount(utf8, "\"input_tokens\""u8);

    /// <summary>
    /// True for the usage event that <c>stream_options.include_usage</c> adds at the end of a stream: usage and an
    /// empty <c>choices</c> array, nothing for the client to show.
    /// </summary>
    public static bool IsUsageOnlyEvent(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IndexOf("\"usage\""u8) < 0)
        {
            return false;
        }

        var key = "\"choices\""u8;
        var at = utf8.IndexOf(key);
        if (at < 0)
        {
            return false;
        }

        var rest = SkipWhitespace(utf8[(at + key.Length)..]);
        if (rest.IsEmpty || rest[0] != ':')
        {
            return false;
        }

        rest = SkipWhitespace(rest[1..]);
        if (rest.IsEmpty || rest[0] != '[')
        {
            return false;
        }

        rest = SkipWhitespace(rest[1..]);
        return !rest.IsEmpty && rest[0] == ']';
    }

    private static long? FindCount(ReadOnlySpan<byte> utf8, ReadOnlySpan<byte> key)
    {
        var at = utf8.IndexOf(key);
        while (at >= 0)
        {
            var rest = SkipWhitespace(utf8[(at + key.Length)..]);
            if (!rest.IsEmpty && rest[0] == ':')
            {
                rest = SkipWhitespace(rest[1..]);
                if (Utf8Parser.TryParse(rest, out long value, out _) && value >= 0)
                {
                    return value;
                }
            }

            var next = utf8[(at + key.Length)..].IndexOf(key);
            at = next < 0 ? -1 : at + key.Length + next;
        }

        return null;
    }

    /// <summary>
    /// The engine's own generation speed: llama.cpp's <c>timings.predicted_per_second</c> (the simulator sends it
    /// too). Null when absent, not a positive finite number (an engine that measured no time reports 0), or unreadable.
    /// </summary>
    public static double? FindPredictedPerSecond(ReadOnlySpan<byte> utf8) => FindPositiveNumber(utf8, "\"predicted_per_second\""u8);

    /// <summary>The engine's prefill speed (llama.cpp's <c>timings.prompt_per_second</c>), when the bytes carry it.</summary>
    public static double? FindPromptPerSecond(ReadOnlySpan<byte> utf8) => FindPositiveNumber(utf8, "\"prompt_per_second\""u8);

    /// <summary>How long the engine took over the prompt (llama.cpp's <c>timings.prompt_ms</c>), when the bytes carry it.</summary>
    public static double? FindPromptMs(ReadOnlySpan<byte> utf8) => FindPositiveNumber(utf8, "\"prompt_ms\""u8);

    /// <summary>How many prompt tokens the engine processed, not taken from its cache (llama.cpp's <c>timings.prompt_n</c>).</summary>
    public static double? FindPromptProcessed(ReadOnlySpan<byte> utf8) => FindPositiveNumber(utf8, "\"prompt_n\""u8);

    private static double? FindPositiveNumber(ReadOnlySpan<byte> utf8, ReadOnlySpan<byte> key)
    {
        var at = utf8.IndexOf(key);
        if (at < 0)
        {
            return null;
        }

        var rest = SkipWhitespace(utf8[(at + key.Length)..]);
        if (rest.IsEmpty || rest[0] != ':')
        {
            return null;
        }

        rest = SkipWhitespace(rest[1..]);
        return Utf8Parser.TryParse(rest, out double value, out _) && double.IsFinite(value) && value > 0 ? value : null;
    }

    /// <summary>
    /// True when the bytes carry a non-empty <c>content</c>, <c>text</c> (chat, completions, Anthropic's text deltas),
    /// reasoning or string <c>delta</c> (Responses' <c>response.output_text.delta</c>) value.
    /// </summary>
    public static bool HasContent(ReadOnlySpan<byte> utf8) =>
        HasNonEmptyString(utf8, "\"content\""u8)
        || HasNonEmptyString(utf8, "\"text\""u8)
        || HasNonEmptyString(utf8, "\"delta\""u8)
        || (ReasoningStripper.MayContain(utf8)
            && (HasNonEmptyString(utf8, "\"reasoning_content\""u8) || HasNonEmptyString(utf8, "\"reasoning\""u8)));

    private static bool HasNonEmptyString(ReadOnlySpan<byte> utf8, ReadOnlySpan<byte> key)
    {
        var offset = 0;
        while (true)
        {
            var found = utf8[offset..].IndexOf(key);
            if (found < 0)
            {
                return false;
            }

            offset += found + key.Length;
            var rest = SkipWhitespace(utf8[offset..]);
            if (rest.Length >= 3 && rest[0] == ':')
            {
                rest = SkipWhitespace(rest[1..]);
                if (rest.Length >= 2 && rest[0] == '"' && rest[1] != '"')
                {
                    return true;
                }
            }
        }
    }

    private static ReadOnlySpan<byte> SkipWhitespace(ReadOnlySpan<byte> utf8)
    {
        var i = 0;
        while (i < utf8.Length && utf8[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        return utf8[i..];
    }
}
