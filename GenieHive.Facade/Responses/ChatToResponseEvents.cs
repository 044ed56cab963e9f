using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Facade.Messages;
using GenieHive.Facade.Proxy;

namespace GenieHive.Facade.Responses;

/// <summary>
/// A chat completions stream as the Responses API's <c>response.*</c> events, chunk by chunk: <c>response.created</c>
/// and <c>response.in_progress</c> on the first chunk; the message item and its <c>output_text</c> deltas; a
/// <c>function_call</c> item with argument deltas per tool call; at <c>[DONE]</c> the items' <c>.done</c> events and
/// <c>response.completed</c> (or <c>response.incomplete</c>) with usage. One instance per request.
/// </summary>
internal sealed class ChatToResponseEvents : ChatStreamTranslator
{
    private readonly ResponseDraft _draft = new();
    private readonly Dictionary<int, (ResponseDraft.ToolCall Call, int OutputIndex)> _calls = [];
    private int _sequence;
    private int _outputCount;
    private int _messageIndex = -1;

    protected override void OnError(string message, IBufferWriter<byte> output) =>
        Emit(output, "error", new JsonObject { ["code"] = "upstream_error", ["message"] = message, ["param"] = null });

    protected override void OnStart(JsonObject chunk, IBufferWriter<byte> output)
    {
        _draft.Identify(chunk);
        Emit(output, "response.created", new JsonObject { ["response"] = _draft.ToResponse("in_progress") });
        Emit(output, "response.in_progress", new JsonObject { ["response"] = _draft.ToResponse("in_progress") });
    }

    protected override void OnChunk(JsonObject chunk, IBufferWriter<byte> output)
    {
        if (chunk["usage"] is JsonObject usage)
        {
            _draft.Usage = usage.DeepClone();
        }

        if (chunk["choices"] is not JsonArray { Count: > 0 } choices || choices[0] is not JsonObject choice)
        {
            return;
        }

        if (choice["delta"] is JsonObject delta)
        {
            if (MessagesWire.String(delta, "content") is { Length: > 0 } text)
            {
                TextDelta(output, text);
            }

            if (delta["tool_calls"] is JsonArray calls)
            {
                foreach (var call in calls.OfType<JsonObject>())
                {
                    ToolCallDelta(output, call);
                }
            }
        }

        if (MessagesWire.String(choice, "finish_reason") is { } finish)
        {
            _draft.FinishReason = finish;
        }
    }

    private void TextDelta(IBufferWriter<byte> output, string text)
    {
        if (_messageIndex < 0)
        {
            _messageIndex = _outputCount++;
            Emit(output, "response.output_item.added", new JsonObject { ["output_index"] = _messageIndex, ["item"] = _draft.MessageItem("in_progress") });
            Emit(output, "response.content_part.added", Part(ResponseDraft.TextPart("")));
        }

        _draft.Text.Append(text);
        var delta = Part(null);
        delta["delta"] = text;
        Emit(output, "response.output_text.delta", delta);
    }

    private void ToolCallDelta(IBufferWriter<byte> output, JsonObject call)
    {
        var index = call["index"] is JsonValue i && i.GetValueKind() == JsonValueKind.Number ? i.GetValue<int>() : 0;
        if (!_calls.TryGetValue(index, out var entry))
        {
            entry = (_draft.AddCall(MessagesWire.String(call, "id"), MessagesWire.String(call["function"], "name")), _outputCount++);
            _calls[index] = entry;
            Emit(output, "response.output_item.added", new JsonObject { ["output_index"] = entry.OutputIndex, ["item"] = entry.Call.Item("in_progress") });
        }

        if (MessagesWire.String(call["function"], "arguments") is { Length: > 0 } arguments)
        {
            entry.Call.Arguments.Append(arguments);
            Emit(output, "response.function_call_arguments.delta", new JsonObject
            {
                ["item_id"] = entry.Call.ItemId,
                ["output_index"] = entry.OutputIndex,
                ["delta"] = arguments,
            });
        }
    }

    protected override void OnDone(IBufferWriter<byte> output)
    {
        if (_messageIndex >= 0)
        {
            var text = _draft.Text.ToString();
            var done = Part(null);
            done["text"] = text;
            Emit(output, "response.output_text.done", done);
            Emit(output, "response.content_part.done", Part(ResponseDraft.TextPart(text)));
            Emit(output, "response.output_item.done", new JsonObject { ["output_index"] = _messageIndex, ["item"] = _draft.MessageItem("completed") });
        }

        foreach (var (call, outputIndex) in _calls.Values)
        {
            Emit(output, "response.function_call_arguments.done", new JsonObject
            {
                ["item_id"] = call.ItemId,
                ["output_index"] = outputIndex,
                ["arguments"] = call.Arguments.ToString(),
            });
            Emit(output, "response.output_item.done", new JsonObject { ["output_index"] = outputIndex, ["item"] = call.Item("completed") });
        }

        Emit(output, _draft.Incomplete ? "response.incomplete" : "response.completed", new JsonObject { ["response"] = _draft.ToResponse() });
    }

    /// <summary>The fields every event about the message's text part carries (and the part itself, when given).</summary>
    private JsonObject Part(JsonObject? part)
    {
        var data = new JsonObject { ["item_id"] = _draft.MessageId, ["output_index"] = _messageIndex, ["content_index"] = 0 };
        if (part is not null)
        {
            data["part"] = part;
        }

        return data;
    }

    private void Emit(IBufferWriter<byte> output, string type, JsonObject data)
    {
        var typed = new JsonObject { ["type"] = type, ["sequence_number"] = _sequence++ };
        foreach (var (key, value) in data.ToList())
        {
            data.Remove(key);
            typed[key] = value;
        }

        MessagesWire.WriteEvent(output, type, typed);
    }
}
