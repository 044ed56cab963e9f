using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Facade.Proxy;

namespace GenieHive.Facade.Messages;

/// <summary>
/// A chat completions stream as Anthropic's named events, chunk by chunk: <c>message_start</c> on the first chunk,
/// a <c>content_block_start</c>/<c>_delta</c>/<c>_stop</c> run per text, thinking (only when the caller turned it
/// on) or tool call, and at <c>[DONE]</c> the <c>message_delta</c> with stop reason and usage and <c>message_stop</c>.
/// One instance per request: it remembers which block is open.
/// </summary>
internal sealed class ChatToMessagesEvents(bool thinking) : ChatStreamTranslator
{
    private int _nextIndex;
    private string? _openBlock;
    private int _openToolCall = -1;
    private string? _stopReason;
    private JsonNode? _usage;

    protected override void OnError(string message, IBufferWriter<byte> output) =>
        MessagesWire.WriteEvent(output, "error", new JsonObject
        {
            ["type"] = "error",
            ["error"] = new JsonObject { ["type"] = "api_error", ["message"] = message },
        });

    protected override void OnStart(JsonObject chunk, IBufferWriter<byte> output) =>
        MessagesWire.WriteEvent(output, "message_start", new JsonObject
        {
            ["type"] = "message_start",
            ["message"] = new JsonObject
            {
                ["id"] = MessagesWire.MessageId(MessagesWire.String(chunk, "id")),
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = MessagesWire.String(chunk, "model") ?? "",
                ["content"] = new JsonArray(),
                ["stop_reason"] = null,
                ["stop_sequence"] = null,
                ["usage"] = new JsonObject { ["input_tokens"] = 0, ["output_tokens"] = 0 },
            },
        });

    protected override void OnChunk(JsonObject chunk, IBufferWriter<byte> output)
    {
        if (chunk["usage"] is JsonObject usage)
        {
            _usage = usage.DeepClone();
        }

        if (chunk["choices"] is not JsonArray { Count: > 0 } choices || choices[0] is not JsonObject choice)
        {
            return;
        }

        if (choice["delta"] is JsonObject delta)
        {
            if (thinking && MessagesWire.String(delta, "reasoning_content") is { Length: > 0 } reasoning)
            {
                Delta(output, "thinking", new JsonObject { ["type"] = "thinking", ["thinking"] = "", ["signature"] = "" },
                    new JsonObject { ["type"] = "thinking_delta", ["thinking"] = reasoning });
            }

            if (MessagesWire.String(delta, "content") is { Length: > 0 } text)
            {
                Delta(output, "text", new JsonObject { ["type"] = "text", ["text"] = "" },
                    new JsonObject { ["type"] = "text_delta", ["text"] = text });
            }

            if (delta["tool_calls"] is JsonArray calls)
            {
                foreach (var call in calls)
                {
                    ToolCallDelta(output, call as JsonObject);
                }
            }
        }

        if (MessagesWire.String(choice, "finish_reason") is { } finish)
        {
            _stopReason = MessagesWire.StopReason(finish);
        }
    }

    /// <summary>Continues the open block of <paramref name="kind"/>, or closes the open one and starts it.</summary>
    private void Delta(IBufferWriter<byte> output, string kind, JsonObject block, JsonObject delta)
    {
        if (_openBlock != kind)
        {
            Open(output, kind, block);
        }

        MessagesWire.WriteEvent(output, "content_block_delta", new JsonObject
        {
            ["type"] = "content_block_delta",
            ["index"] = _nextIndex - 1,
            ["delta"] = delta,
        });
    }

    /// <summary>A tool call's first chunk names it (a new <c>tool_use</c> block); later ones carry argument fragments.</summary>
    private void ToolCallDelta(IBufferWriter<byte> output, JsonObject? call)
    {
        if (call is null)
        {
            return;
        }

        var index = call["index"] is JsonValue i && i.GetValueKind() == JsonValueKind.Number ? i.GetValue<int>() : 0;
        if (_openBlock != "tool_use" || index != _openToolCall)
        {
            _openToolCall = index;
            Open(output, "tool_use", new JsonObject
            {
                ["type"] = "tool_use",
                ["id"] = MessagesWire.String(call, "id") ?? MessagesWire.NewToolUseId(),
                ["name"] = MessagesWire.String(call["function"], "name") ?? "",
                ["input"] = new JsonObject(),
            });
        }

        if (MessagesWire.String(call["function"], "arguments") is { Length: > 0 } arguments)
        {
            MessagesWire.WriteEvent(output, "content_block_delta", new JsonObject
            {
                ["type"] = "content_block_delta",
                ["index"] = _nextIndex - 1,
                ["delta"] = new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = arguments },
            });
        }
    }

    private void Open(IBufferWriter<byte> output, string kind, JsonObject block)
    {
        Close(output);
        _openBlock = kind;
        MessagesWire.WriteEvent(output, "content_block_start", new JsonObject
        {
            ["type"] = "content_block_start",
            ["index"] = _nextIndex++,
            ["content_block"] = block,
        });
    }

    private void Close(IBufferWriter<byte> output)
    {
        if (_openBlock is null)
        {
            return;
        }

        _openBlock = null;
        MessagesWire.WriteEvent(output, "content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = _nextIndex - 1 });
    }

    protected override void OnDone(IBufferWriter<byte> output)
    {
        Close(output);
        var usage = MessagesWire.Usage(_usage);
        MessagesWire.WriteEvent(output, "message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = _stopReason ?? "end_turn", ["stop_sequence"] = null },
            ["usage"] = usage,
        });
        MessagesWire.WriteEvent(output, "message_stop", new JsonObject { ["type"] = "message_stop" });
    }
}
