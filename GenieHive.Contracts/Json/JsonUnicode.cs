using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;

namespace GenieHive.Contracts.Json;

/// <summary>
/// Whether the raw bytes of one JSON string token (as <see cref="System.Text.Json.Utf8JsonReader.ValueSpan"/> holds
/// them, escapes not undone) stand for Unicode text: valid UTF-8, and every <c>\uXXXX</c> surrogate escape paired.
/// </summary>
/// <remarks>
/// JSON's grammar allows <c>"\ud800"</c>, but it names no character (RFC 8259 §8.2; I-JSON, RFC 7493, forbids it), and
/// System.Text.Json cannot turn it into a string or write it back out. The reader validates the escapes' syntax, not
/// their meaning or the UTF-8 between them. One rule for every service: the facade refuses such a client body up front
/// with 400 <c>invalid_json</c> on every route (rather than pass it on a direct route and fail it on a role route whose
/// policy rewrites the body) and fails an engine's JSON answer that breaks it; Control refuses such a body with 400.
/// </remarks>
public static class JsonUnicode
{
    /// <summary>What <see cref="DocumentProblem"/> says of bytes that are not JSON at all (or nest deeper than allowed).</summary>
    public const string NotJson = "it is not valid JSON";

    /// <summary>The first problem in the token, or null when it is Unicode text.</summary>
    public static string? Problem(ReadOnlySpan<byte> raw, bool escaped)
    {
        if (!Utf8.IsValid(raw))
        {
            return "a string is not valid UTF-8";
        }

        return escaped ? SurrogateProblem(raw) : null;
    }

    /// <summary>
    /// The first problem in a whole JSON document (its syntax, then each string as <see cref="Problem"/>), or null when
    /// System.Text.Json can read it and write it back.
    /// </summary>
    public static string? DocumentProblem(ReadOnlySpan<byte> json, int maxDepth)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName
                    && Problem(reader.ValueSpan, reader.ValueIsEscaped) is { } problem)
                {
                    return problem;
                }
            }
        }
        catch (JsonException)
        {
            return NotJson;
        }

        return null;
    }

    private static string? SurrogateProblem(ReadOnlySpan<byte> raw)
    {
        var i = raw.IndexOf((byte)'\\');
        while (i >= 0 && i < raw.Length - 1)
        {
            if (raw[i + 1] != 'u')
            {
                // \n, \", \\ and the like: two bytes, never part of a surrogate pair.
                i = Next(raw, i + 2);
                continue;
            }

            var unit = Hex4(raw, i + 2);
            if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                return Unpaired(unit);
            }

            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                var low = i + 7 < raw.Length && raw[i + 6] == '\\' && raw[i + 7] == 'u' ? Hex4(raw, i + 8) : -1;
                if (low is < 0xDC00 or > 0xDFFF)
                {
                    return Unpaired(unit);
                }

                i = Next(raw, i + 12);
                continue;
            }

            i = Next(raw, i + 6);
        }

        return null;
    }

    private static string Unpaired(int unit) =>
        "a string holds an unpaired UTF-16 surrogate escape (\\u" + unit.ToString("x4", CultureInfo.InvariantCulture) + ")";

    private static int Next(ReadOnlySpan<byte> raw, int from)
    {
        if (from >= raw.Length)
        {
            return -1;
        }

        var next = raw[from..].IndexOf((byte)'\\');
        return next < 0 ? -1 : from + next;
    }

    /// <summary>The four hex digits at <paramref name="at"/> as a number; -1 when they are not there.</summary>
    private static int Hex4(ReadOnlySpan<byte> raw, int at)
    {
        if (at + 4 > raw.Length)
        {
            return -1;
        }

        var value = 0;
        foreach (var b in raw.Slice(at, 4))
        {
            var digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return -1;
            }

            value = (value << 4) | digit;
        }

        return value;
    }
}
