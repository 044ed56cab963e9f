using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Facade.Errors;
using GenieHive.Facade.Proxy;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Messages;

/// <summary>
/// <c>POST /v1/messages</c> (Anthropic Messages), routed like chat. A service that speaks the protocol
/// (<see cref="ClientProtocols.AnthropicMessages"/>) gets the caller's body with the role's system prompt in
/// <c>system</c>; any other chat service gets it translated to chat completions (<see cref="MessagesToChat"/>). Thinking
/// blocks reach the caller only when it turned <c>thinking</c> on.
/// </summary>
internal sealed class MessagesEndpoint(IOptions<LimitsOptions> limits)
    : TranslatingEndpoint("messages", ClientProtocols.AnthropicMessages, "/v1/messages", AnthropicProxyErrors.Instance, limits)
{
    protected override IJsonAnswerTranslator NativeAnswerWithoutReasoning => ThinkingStrippedMessage.Instance;

    protected override JsonObject ToChat(JsonObject body) => MessagesToChat.Translate(body);

    protected override bool AsksForReasoning(JsonObject body) => MessagesWire.String(body["thinking"], "type") is "enabled" or "adaptive";

    protected override void PlaceSystemPrompt(JsonObject native, string prompt, string? position) => MessagesSystemPrompt.Apply(native, prompt, position);

    protected override SseEventWriter NativeEventsWithoutReasoning() => new ThinkingStrippedEvents();

    protected override SseEventWriter ChatEvents(TranslatedRequest request) => new ChatToMessagesEvents(request.AsksForReasoning);

    protected override IJsonAnswerTranslator ChatAnswer(TranslatedRequest request) => new ChatToMessage(request.AsksForReasoning);

    /// <summary>What Anthropic's API requires of every request (<c>max_tokens</c> included).</summary>
    protected override ClientError? Check(JsonObject body)
    {
        if (JsonObjectReader.String(body, "model") is not { Length: > 0 })
        {
            return ClientError.Missing("model");
        }

        if (body["messages"] is not JsonArray)
        {
            return body["messages"] is null ? ClientError.Missing("messages") : JsonObjectReader.Invalid("'messages' must be an array.", "messages");
        }

        if (body["max_tokens"] is not JsonValue maxTokens || maxTokens.GetValueKind() != JsonValueKind.Number
            || !maxTokens.TryGetValue<long>(out var max) || max < 1)
        {
            return body["max_tokens"] is null
                ? ClientError.Missing("max_tokens")
                : JsonObjectReader.Invalid("'max_tokens' must be a positive integer.", "max_tokens");
        }

        return body["system"] is null or JsonArray || body["system"]!.GetValueKind() == JsonValueKind.String
            ? null
            : JsonObjectReader.Invalid("'system' must be a string or an array of text blocks.", "system");
    }
}
