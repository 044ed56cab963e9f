using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Facade.Messages;
using GenieHive.Facade.Proxy;

namespace GenieHive.Facade.Responses;

/// <summary>
/// Reasoning stripping for a native Responses answer whose caller sent no <c>reasoning</c> setting: <c>reasoning</c>
/// output items and the <c>response.reasoning*</c> events are left out, as the chat endpoint strips
/// <c>reasoning_content</c>. Bytes without the marker pass as they are, never parsed.
/// </summary>
internal static class ReasoningItems
{
    public static ReadOnlySpan<byte> Marker => "reasoning"u8;

    public static bool IsReasoning(JsonNode? item) => MessagesWire.String(item, "type") == "reasoning";

    /// <summary>Removes reasoning items from <c>output</c>, at the top or under <c>response</c>; true when any was removed.</summary>
    public static bool RemoveFrom(JsonNode? holder)
    {
        if (holder?["output"] is not JsonArray output)
        {
            return false;
        }

        var removed = false;
        for (var i = output.Count - 1; i >= 0; i--)
        {
            if (IsReasoning(output[i]))
            {
                output.RemoveAt(i);
                removed = true;
            }
        }

        return removed;
    }
}

/// <summary>A whole native response without its reasoning items.</summary>
internal sealed class ReasoningStrippedResponse : IJsonAnswerTranslator
{
    public static ReasoningStrippedResponse Instance { get; } = new();

    public bool TryTranslate(ReadOnlySpan<byte> upstream, IBufferWriter<byte> output)
    {
        JsonNode? response = null;
        try
        {
            response = upstream.IndexOf(ReasoningItems.Marker) >= 0 ? JsonNode.Parse(upstream) : null;
        }
        catch (JsonException)
        {
            response = null;
        }

        if (response is null || !ReasoningItems.RemoveFrom(response))
        {
            output.Write(upstream);
            return true;
        }

        using var writer = new Utf8JsonWriter(output, JsonStrings.WriterOptions);
        response.WriteTo(writer);
        return true;
    }
}

/// <summary>A native response stream without reasoning events and items (stateless: each event is judged alone).</summary>
internal sealed class ReasoningStrippedEvents : SseEventWriter
{
    public static ReasoningStrippedEvents Instance { get; } = new();

    public override void Write(ReadOnlySpan<byte> sseEvent, IBufferWriter<byte> output)
    {
        if (sseEvent.IndexOf(ReasoningItems.Marker) < 0)
        {
            output.Write(sseEvent);
            return;
        }

        var data = MessagesWire.DataObject(sseEvent);
        var type = MessagesWire.String(data, "type");
        if (data is null || type is null)
        {
            output.Write(sseEvent);
            return;
        }

        if (type.StartsWith("response.reasoning", StringComparison.Ordinal) || ReasoningItems.IsReasoning(data["item"]))
        {
            return;
        }

        if (ReasoningItems.RemoveFrom(data["response"]))
        {
            MessagesWire.WriteEvent(output, MessagesWire.NameOf(sseEvent) ?? type, data);
            return;
        }

        output.Write(sseEvent);
    }
}
