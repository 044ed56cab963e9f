using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Facade.Errors;
using GenieHive.Facade.Policy;
using GenieHive.Facade.Proxy;
using GenieHive.Routing;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Messages;

/// <summary>
/// <c>POST /v1/messages</c> (Anthropic Messages), routed like chat. A service that speaks the protocol
/// (<see cref="ClientProtocols.AnthropicMessages"/>) gets the caller's body with the role's system prompt in
/// <c>system</c>; any other chat service gets it translated to <c>/v1/chat/completions</c> and its answer translated
/// back, streamed event by event. Thinking blocks reach the caller only when it turned thinking on.
/// </summary>
internal sealed class MessagesEndpoint(IOptions<LimitsOptions> limits)
    : ProxyEndpoint<MessagesRequest>("messages", ServiceKinds.Chat, AnthropicProxyErrors.Instance)
{
    private static readonly UpstreamPath NativePath = new("/v1/messages");
    private static readonly UpstreamPath ChatPath = new("/v1/chat/completions");

    private readonly int _maxBodyBytes = limits.Value.MaxRequestBodyBytes;

    public override async ValueTask<MessagesRequest?> ReadAsync(HttpContext context)
    {
        var (body, error) = await JsonObjectReader.ReadAsync(context, _maxBodyBytes);
        error ??= body is null ? null : Check(body);
        JsonObject? chat = null;
        if (error is null)
        {
            try
            {
                chat = MessagesToChat.Translate(body!);
            }
            catch (Exception ex) when (ex is RequestShapeException or InvalidOperationException or FormatException)
            {
                error = JsonObjectReader.Invalid(ex is RequestShapeException ? ex.Message : "A field of the request has the wrong type.");
            }
        }

        if (error is not null)
        {
            await Errors.WriteClientErrorAsync(context, error);
            return null;
        }

        return new MessagesRequest(JsonObjectReader.String(body!, "model")!, body!, chat!);
    }

    public override HttpRequestMessage CreateUpstreamRequest(MessagesRequest request, RouteTarget target)
    {
        var policy = target.Policy;
        if (target.Speaks(ClientProtocols.AnthropicMessages))
        {
            var native = (JsonObject)request.Body.DeepClone();
            RequestPolicyApplier.Apply(native, policy, allowSystemPrompt: false, target.UpstreamModel);
            MessagesSystemPrompt.Apply(native, policy.SystemPrompt, policy.SystemPromptPosition);
            return new HttpRequestMessage(HttpMethod.Post, NativePath.On(target.BaseUrl)) { Content = JsonObjectReader.ToContent(native) };
        }

        var chat = (JsonObject)request.Chat.DeepClone();
        RequestPolicyApplier.Apply(chat, policy, allowSystemPrompt: true, target.UpstreamModel);
        return new HttpRequestMessage(HttpMethod.Post, ChatPath.On(target.BaseUrl)) { Content = JsonObjectReader.ToContent(chat) };
    }

    public override IResponseRelay SelectRelay(MessagesRequest request, RouteTarget target, HttpResponseMessage response)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var native = target.Speaks(ClientProtocols.AnthropicMessages);
        if (MediaTypes.IsEventStream(mediaType))
        {
            return native
                ? request.Thinking ? SseRelay.Unchanged : new SseRelay(new ThinkingStrippedEvents())
                : new SseRelay(new ChatToMessagesEvents(request.Thinking));
        }

        if (MediaTypes.IsJson(mediaType))
        {
            return native
                ? request.Thinking ? StreamCopyRelay.Unchanged : new TranslatedJsonRelay(ThinkingStrippedMessage.Instance)
                : new TranslatedJsonRelay(new ChatToMessage(request.Thinking));
        }

        return StreamCopyRelay.Unchanged;
    }

    /// <summary>What Anthropic's API requires of every request, checked before any upstream round trip.</summary>
    private static ClientError? Check(JsonObject body)
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
