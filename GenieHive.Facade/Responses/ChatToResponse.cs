using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Facade.Messages;
using GenieHive.Facade.Proxy;

namespace GenieHive.Facade.Responses;

/// <summary>A chat completion as a Responses API answer (reasoning left out, as the chat endpoint strips it).</summary>
internal sealed class ChatToResponse : IJsonAnswerTranslator
{
    public static ChatToResponse Instance { get; } = new();

    public bool TryTranslate(ReadOnlySpan<byte> upstream, IBufferWriter<byte> output)
    {
        if (!MessagesWire.TryReadChatAnswer(upstream, out var chat, out var choice, out var message))
        {
            return false;
        }

        var draft = new ResponseDraft();
        draft.Identify(chat);
        draft.Text.Append(MessagesWire.String(message, "content"));
        if (message["tool_calls"] is JsonArray calls)
        {
            foreach (var call in calls)
            {
                draft.AddCall(MessagesWire.String(call, "id"), MessagesWire.String(call?["function"], "name"))
                    .Arguments.Append(MessagesWire.String(call?["function"], "arguments"));
            }
        }

        draft.FinishReason = MessagesWire.String(choice, "finish_reason");
        draft.Usage = chat["usage"]?.DeepClone();
        using var writer = new Utf8JsonWriter(output, JsonStrings.WriterOptions);
        draft.ToResponse().WriteTo(writer);
        return true;
    }
}
