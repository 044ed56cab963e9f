using GenieHive.Contracts.Json;
using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// Removes every object key named exactly <c>reasoning_content</c> or <c>reasoning</c>, at any depth, from
/// response JSON and from SSE <c>data:</c> lines. Bodies without the marker <c>"reasoning</c> are never parsed.
/// </summary>
public static class ReasoningStripper
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 128 };

    /// <summary>The bytes every stripped key starts with; a body without them is passed through untouched.</summary>
    public static ReadOnlySpan<byte> Marker => "\"reasoning"u8;

    public static bool MayContain(ReadOnlySpan<byte> utf8) => utf8.IndexOf(Marker) >= 0;

    /// <summary>Removes the keys in place; true when something was removed.</summary>
    public static bool Strip(JsonNode? node)
    {
        var removed = false;
        switch (node)
        {
            case JsonObject obj:
                removed |= obj.Remove("reasoning_content");
                removed |= obj.Remove("reasoning");
                foreach (var property in obj)
                {
                    removed |= Strip(property.Value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    removed |= Strip(item);
                }

                break;
        }

        return removed;
    }

    /// <summary>
    /// Writes <paramref name="json"/> without reasoning keys to <paramref name="output"/>. Returns false and writes
    /// nothing when the input is not JSON or has nothing to remove: the caller then forwards the original bytes.
    /// </summary>
    public static bool TryStrip(ReadOnlySpan<byte> json, IBufferWriter<byte> output)
    {
        // Engine text is not trusted: a payload System.Text.Json could not write back (a lone surrogate escape,
        // invalid UTF-8) or whose DOM refuses it (a key repeated in one object) is left as the engine sent it.
        if (JsonUnicode.DocumentProblem(json, DocumentOptions.MaxDepth) is not null)
        {
            return false;
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: DocumentOptions);
            if (!Strip(node))
            {
                return false;
            }
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            return false;
        }

        using var writer = new Utf8JsonWriter(output, JsonStrings.WriterOptions);
        if (node is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            node.WriteTo(writer);
        }

        return true;
    }

    /// <summary>Writes one SSE event, stripping reasoning keys from its <c>data:</c> lines (other lines pass as they are).</summary>
    public static void WriteEvent(ReadOnlySpan<byte> sseEvent, IBufferWriter<byte> output)
    {
        if (!MayContain(sseEvent))
        {
            output.Write(sseEvent);
            return;
        }

        var rest = sseEvent;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOfAny((byte)'\r', (byte)'\n');
            int lineLength, terminatorLength;
            if (end < 0)
            {
                lineLength = rest.Length;
                terminatorLength = 0;
            }
            else
            {
                lineLength = end;
                terminatorLength = rest[end] == '\r' && end + 1 < rest.Length && rest[end + 1] == '\n' ? 2 : 1;
            }

            var line = rest[..lineLength];
            var written = false;
            if (line.StartsWith("data:"u8))
            {
                var prefixLength = line.Length > 5 && line[5] == ' ' ? 6 : 5;
                var payload = line[prefixLength..];
                if (MayContain(payload))
                {
                    output.Write(line[..prefixLength]);
                    if (!TryStrip(payload, output))
                    {
                        output.Write(payload);
                    }

                    output.Write(rest.Slice(lineLength, terminatorLength));
                    written = true;
                }
            }

            if (!written)
            {
                output.Write(rest[..(lineLength + terminatorLength)]);
            }

            rest = rest[(lineLength + terminatorLength)..];
        }
    }
}
