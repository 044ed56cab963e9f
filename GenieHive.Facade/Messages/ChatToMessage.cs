using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Facade.Proxy;

namespace GenieHive.Facade.Messages;

/// <summary>
/// A chat completion as an Anthropic message: text, tool calls as <c>tool_use</c> blocks, the stop reason and usage.
/// The engine's reasoning becomes a <c>thinking</c> block only when the caller turned thinking on.
/// </summary>
internal sealed class ChatToMessage(bool thinking) : IJsonAnswerTranslator
{
    public bool TryTranslate(ReadOnlySpan<byte> upstream, IBufferWriter<byte> output)
    {
        if (!MessagesWire.TryReadChatAnswer(upstream, out var chat, out var choice, out var message))
        {
            return false;
        }

        var content = new JsonArray();
        if (thinking && MessagesWire.String(message, "reasoning_content") is { Length: > 0 } reasoning)
        {
            content.Add(new JsonObject { ["type"] = "thinking", ["thinking"] = reasoning, ["signature"] = "" });
        }

        if (MessagesWire.String(message, "content") is { Length: > 0 } text)
        {
            content.Add(new JsonObject { ["type"] = "text", ["text"] = text });
        }

        if (message["tool_calls"] is JsonArray calls)
        {
            foreach (var call in calls)
            {
                content.Add(new JsonObject
                {
                    ["type"] = "tool_use",
                    ["id"] = MessagesWire.String(call, "id") ?? MessagesWire.NewToolUseId(),
                    ["name"] = MessagesWire.String(call?["function"], "name") ?? "",
                    ["input"] = MessagesWire.ToolInput(MessagesWire.String(call?["function"], "arguments")),
                });
            }
        }

        var answer = new JsonObject
        {
            ["id"] = MessagesWire.MessageId(MessagesWire.String(chat, "id")),
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = MessagesWire.String(chat, "model") ?? "",
            ["content"] = content,
            ["stop_reason"] = MessagesWire.StopReason(MessagesWire.String(choice, "finish_reason")) ?? "end_turn",
            ["stop_sequence"] = null,
            ["usage"] = MessagesWire.Usage(chat["usage"]),
        };
        using var writer = new Utf8JsonWriter(output, JsonStrings.WriterOptions);
        answer.WriteTo(writer);
        return true;
    }
}
