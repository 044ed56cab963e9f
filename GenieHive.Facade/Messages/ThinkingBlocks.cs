using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Facade.Proxy;

namespace GenieHive.Facade.Messages;

/// <summary>
/// Reasoning stripping for a native Anthropic answer whose caller did not turn thinking on: <c>thinking</c> and
/// <c>redacted_thinking</c> content blocks are removed (an engine that thinks by default would otherwise hand them to
/// a client that did not ask). Bytes without the marker are passed as they are, never parsed.
/// </summary>
internal static class ThinkingBlocks
{
    public static ReadOnlySpan<byte> Marker => "thinking\""u8;

    public static bool IsThinking(JsonNode? block) => MessagesWire.String(block, "type") is "thinking" or "redacted_thinking";
}

/// <summary>A whole native message without its thinking blocks.</summary>
internal sealed class ThinkingStrippedMessage : IJsonAnswerTranslator
{
    public static ThinkingStrippedMessage Instance { get; } = new();

    public bool TryTranslate(ReadOnlySpan<byte> upstream, IBufferWriter<byte> output)
    {
        if (upstream.IndexOf(ThinkingBlocks.Marker) < 0)
        {
            output.Write(upstream);
            return true;
        }

        JsonNode? message;
        try
        {
            message = JsonNode.Parse(upstream);
        }
        catch (JsonException)
        {
            output.Write(upstream);
            return true;
        }

        if (message?["content"] is JsonArray content)
        {
            for (var i = content.Count - 1; i >= 0; i--)
            {
                if (ThinkingBlocks.IsThinking(content[i]))
                {
                    content.RemoveAt(i);
                }
            }
        }

        using var writer = new Utf8JsonWriter(output, JsonStrings.WriterOptions);
        message?.WriteTo(writer);
        return true;
    }
}

/// <summary>
/// A native message stream without its thinking blocks: their events are dropped and the later blocks renumbered, so
/// the client sees indices 0, 1, ... as Anthropic's stream promises. One instance per request.
/// </summary>
internal sealed class ThinkingStrippedEvents : SseEventWriter
{
    private readonly HashSet<int> _dropped = [];

    public override void Write(ReadOnlySpan<byte> sseEvent, IBufferWriter<byte> output)
    {
        var isBlockEvent = sseEvent.IndexOf("\"index\""u8) >= 0;
        if (!isBlockEvent || (_dropped.Count == 0 && sseEvent.IndexOf(ThinkingBlocks.Marker) < 0))
        {
            output.Write(sseEvent);
            return;
        }

        var data = MessagesWire.DataObject(sseEvent);
        if (data?["index"] is not JsonValue indexValue || indexValue.GetValueKind() != JsonValueKind.Number)
        {
            output.Write(sseEvent);
            return;
        }

        var index = indexValue.GetValue<int>();
        if (MessagesWire.String(data, "type") == "content_block_start" && ThinkingBlocks.IsThinking(data["content_block"]))
        {
            _dropped.Add(index);
        }

        if (_dropped.Contains(index))
        {
            return;
        }

        data["index"] = index - _dropped.Count(d => d < index);
        MessagesWire.WriteEvent(output, MessagesWire.NameOf(sseEvent) ?? MessagesWire.String(data, "type") ?? "message", data);
    }
}
