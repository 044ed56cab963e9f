using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Facade.Messages;

namespace GenieHive.Facade.Responses;

/// <summary>
/// A Responses API answer being assembled from a chat completion, whole or chunk by chunk: one assistant message with
/// its text, one <c>function_call</c> item per tool call, the status (<c>incomplete</c> when the length ran out), usage.
/// </summary>
internal sealed class ResponseDraft
{
    private readonly List<ToolCall> _calls = [];

    public string Id { get; private set; } = "resp_" + Guid.NewGuid().ToString("N");

    public string MessageId { get; private set; } = "msg_" + Guid.NewGuid().ToString("N");

    public string Model { get; private set; } = "";

    public long CreatedAt { get; private set; } = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public StringBuilder Text { get; } = new();

    public string? FinishReason { get; set; }

    public JsonNode? Usage { get; set; }

    public IReadOnlyList<ToolCall> Calls => _calls;

    public bool Incomplete => FinishReason == "length";

    /// <summary>Takes the ids, model and creation time the chat completion (or its first chunk) carries.</summary>
    public void Identify(JsonObject chat)
    {
        if (MessagesWire.String(chat, "id") is { Length: > 0 } id)
        {
            Id = "resp_" + id;
            MessageId = "msg_" + id;
        }

        Model = MessagesWire.String(chat, "model") ?? Model;
        if (chat["created"] is JsonValue created && created.GetValueKind() == JsonValueKind.Number)
        {
            CreatedAt = created.GetValue<long>();
        }
    }

    public ToolCall AddCall(string? callId, string? name)
    {
        var call = new ToolCall("fc_" + Guid.NewGuid().ToString("N"), callId ?? "call_" + Guid.NewGuid().ToString("N"), name ?? "");
        _calls.Add(call);
        return call;
    }

    public JsonObject MessageItem(string status) => new()
    {
        ["type"] = "message",
        ["id"] = MessageId,
        ["status"] = status,
        ["role"] = "assistant",
        ["content"] = status == "in_progress" ? new JsonArray() : new JsonArray(TextPart(Text.ToString())),
    };

    public static JsonObject TextPart(string text) => new() { ["type"] = "output_text", ["text"] = text, ["annotations"] = new JsonArray() };

    /// <summary>The whole response; <paramref name="status"/> null for its final status.</summary>
    public JsonObject ToResponse(string? status = null)
    {
        var output = new JsonArray();
        if (status is null && (Text.Length > 0 || _calls.Count == 0))
        {
            output.Add(MessageItem("completed"));
        }

        if (status is null)
        {
            foreach (var call in _calls)
            {
                output.Add(call.Item("completed"));
            }
        }

        var response = new JsonObject
        {
            ["id"] = Id,
            ["object"] = "response",
            ["created_at"] = CreatedAt,
            ["status"] = status ?? (Incomplete ? "incomplete" : "completed"),
            ["model"] = Model,
            ["output"] = output,
            ["incomplete_details"] = status is null && Incomplete ? new JsonObject { ["reason"] = "max_output_tokens" } : null,
            ["error"] = null,
        };
        if (status is null)
        {
            var input = MessagesWire.Count(Usage, "prompt_tokens");
            var generated = MessagesWire.Count(Usage, "completion_tokens");
            response["usage"] = new JsonObject { ["input_tokens"] = input, ["output_tokens"] = generated, ["total_tokens"] = input + generated };
        }

        return response;
    }

    /// <summary>One tool call as a <c>function_call</c> output item; its arguments arrive in pieces when streamed.</summary>
    internal sealed class ToolCall(string itemId, string callId, string name)
    {
        public string ItemId => itemId;

        public StringBuilder Arguments { get; } = new();

        public JsonObject Item(string status) => new()
        {
            ["type"] = "function_call",
            ["id"] = itemId,
            ["call_id"] = callId,
            ["name"] = name,
            ["arguments"] = Arguments.ToString(),
            ["status"] = status,
        };
    }
}
