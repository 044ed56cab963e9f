using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Facade.Proxy;

namespace GenieHive.Facade.Messages;

/// <summary>The pieces of Anthropic's wire both translations of a chat answer (whole and streamed) write.</summary>
internal static class MessagesWire
{
    public static string? String(JsonNode? node, string field) =>
        node is JsonObject obj && obj[field] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>Chat's <c>finish_reason</c> as Anthropic's <c>stop_reason</c>; null while there is none.</summary>
    public static string? StopReason(string? finishReason) => finishReason switch
    {
        null => null,
        "length" => "max_tokens",
        "tool_calls" or "function_call" => "tool_use",
        "content_filter" => "refusal",
        _ => "end_turn",
    };

    /// <summary>Chat's usage (<c>prompt_tokens</c>, <c>completion_tokens</c>) as Anthropic's.</summary>
    public static JsonObject Usage(JsonNode? usage) => new()
    {
        ["input_tokens"] = Count(usage, "prompt_tokens"),
        ["output_tokens"] = Count(usage, "completion_tokens"),
    };

    public static long Count(JsonNode? usage, string field) =>
        usage is JsonObject obj && obj[field] is JsonValue value && value.GetValueKind() == JsonValueKind.Number ? value.GetValue<long>() : 0;

    public static string MessageId(string? chatId) => "msg_" + (string.IsNullOrEmpty(chatId) ? Guid.NewGuid().ToString("N") : chatId);

    public static string NewToolUseId() => "toolu_" + Guid.NewGuid().ToString("N");

    /// <summary>A tool call's arguments (a JSON string) as the <c>input</c> object; an empty object when they are not JSON.</summary>
    public static JsonNode ToolInput(string? arguments)
    {
        if (string.IsNullOrWhiteSpace(arguments))
        {
            return new JsonObject();
        }

        try
        {
            return JsonNode.Parse(arguments) ?? new JsonObject();
        }
        catch (JsonException)
        {
            return new JsonObject();
        }
    }

    /// <summary>Writes one named server-sent event: <c>event: NAME</c>, then its JSON as <c>data:</c>.</summary>
    public static void WriteEvent(IBufferWriter<byte> output, string name, JsonObject data)
    {
        output.Write("event: "u8);
        output.Write(Encoding.UTF8.GetBytes(name));
        output.Write("\ndata: "u8);
        using (var writer = new Utf8JsonWriter(output, JsonStrings.WriterOptions))
        {
            data.WriteTo(writer);
        }

        output.Write("\n\n"u8);
    }

    /// <summary>The JSON of an event's <c>data:</c> lines (joined), or null when it has none.</summary>
    public static string? DataOf(ReadOnlySpan<byte> sseEvent)
    {
        StringBuilder? data = null;
        foreach (var line in Encoding.UTF8.GetString(sseEvent).Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.StartsWith("data:", StringComparison.Ordinal))
            {
                var payload = trimmed.Length > 5 && trimmed[5] == ' ' ? trimmed[6..] : trimmed[5..];
                data = data is null ? new StringBuilder(payload) : data.Append('\n').Append(payload);
            }
        }

        return data?.ToString();
    }

    /// <summary>The event's <c>data:</c> as a JSON object; null when it has none or it is not one.</summary>
    public static JsonObject? DataObject(ReadOnlySpan<byte> sseEvent)
    {
        try
        {
            return DataOf(sseEvent) is { } json ? JsonNode.Parse(json) as JsonObject : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// A chat completion's first choice and its message; false when the bytes are not a chat completion (the
    /// translating relays then count the answer as the target's failure).
    /// </summary>
    public static bool TryReadChatAnswer(ReadOnlySpan<byte> upstream, out JsonObject chat, out JsonObject choice, out JsonObject message)
    {
        chat = choice = message = null!;
        try
        {
            if (JsonNode.Parse(upstream) is JsonObject root && root["choices"] is JsonArray { Count: > 0 } choices
                && choices[0] is JsonObject first && first["message"] is JsonObject answer)
            {
                (chat, choice, message) = (root, first, answer);
                return true;
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }

    /// <summary>The value of an event's <c>event:</c> line, or null.</summary>
    public static string? NameOf(ReadOnlySpan<byte> sseEvent)
    {
        foreach (var line in Encoding.UTF8.GetString(sseEvent).Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.StartsWith("event:", StringComparison.Ordinal))
            {
                return trimmed[6..].Trim();
            }
        }

        return null;
    }
}
