using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace GenieHive.Facade.Proxy;

/// <summary>JSON encodings shared by the proxy path.</summary>
internal static class JsonStrings
{
    private const int MaxCached = 4096;
    private static readonly ConcurrentDictionary<string, byte[]> Quoted = new(StringComparer.Ordinal);

    /// <summary>Writer options for bodies the facade re-serialises: UTF-8 kept as is (the reader is a machine, not a browser).</summary>
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>A string as a JSON string token (quotes included), cached: upstream model ids repeat.</summary>
    public static byte[] QuotedUtf8(string value)
    {
        if (Quoted.TryGetValue(value, out var cached))
        {
            return cached;
        }

        var encoded = JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).EncodedUtf8Bytes;
        var bytes = new byte[encoded.Length + 2];
        bytes[0] = (byte)'"';
        encoded.CopyTo(bytes.AsSpan(1));
        bytes[^1] = (byte)'"';
        if (Quoted.Count >= MaxCached)
        {
            Quoted.Clear();
        }

        Quoted.TryAdd(value, bytes);
        return bytes;
    }
}
