using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Facade.Errors;
using GenieHive.Facade.Policy;
using GenieHive.Facade.Proxy;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Responses;

/// <summary>
/// <c>POST /v1/responses</c> (OpenAI Responses, stateless), routed like chat. A service that speaks the protocol
/// (<see cref="ClientProtocols.OpenAiResponses"/>) gets the caller's body with the role's system prompt in
/// <c>instructions</c>; any other chat service gets it translated to chat completions (<see cref="ResponsesToChat"/>).
/// Requests that need stored state are refused: GenieHive keeps none, and the engines it routes to do not either
/// (llama-server refuses them too). Reasoning items reach the caller only when it sent a <c>reasoning</c> setting.
/// </summary>
internal sealed class ResponsesEndpoint(IOptions<LimitsOptions> limits)
    : TranslatingEndpoint("responses", ClientProtocols.OpenAiResponses, "/v1/responses", OpenAiProxyErrors.Instance, limits)
{
    /// <summary>Fields that only mean something to a server that keeps responses and conversations.</summary>
    private static readonly string[] StatefulFields = ["previous_response_id", "conversation", "prompt"];

    protected override IJsonAnswerTranslator NativeAnswerWithoutReasoning => ReasoningStrippedResponse.Instance;

    protected override JsonObject ToChat(JsonObject body) => ResponsesToChat.Translate(body);

    protected override bool AsksForReasoning(JsonObject body) => body["reasoning"] is JsonObject;

    protected override void PlaceSystemPrompt(JsonObject native, string prompt, string? position) =>
        native["instructions"] = SystemPromptText.Combine(JsonObjectReader.String(native, "instructions"), prompt, position);

    protected override SseEventWriter NativeEventsWithoutReasoning() => ReasoningStrippedEvents.Instance;

    protected override SseEventWriter ChatEvents(TranslatedRequest request) => new ChatToResponseEvents();

    protected override IJsonAnswerTranslator ChatAnswer(TranslatedRequest request) => ChatToResponse.Instance;

    protected override ClientError? Check(JsonObject body)
    {
        if (JsonObjectReader.String(body, "model") is not { Length: > 0 })
        {
            return ClientError.Missing("model");
        }

        if (body["input"] is null)
        {
            return ClientError.Missing("input");
        }

        foreach (var field in StatefulFields)
        {
            if (body[field] is { } value && value.GetValueKind() != JsonValueKind.Null)
            {
                return JsonObjectReader.Invalid(
                    "'" + field + "' needs responses stored by the server; GenieHive's Responses endpoint is stateless: send the whole conversation in 'input'.",
                    field);
            }
        }

        return JsonObjectReader.IsTrue(body, "background")
            ? JsonObjectReader.Invalid("'background' needs responses stored by the server; GenieHive's Responses endpoint is stateless.", "background")
            : null;
    }
}
