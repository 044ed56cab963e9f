using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Facade.Errors;
using GenieHive.Facade.Policy;
using GenieHive.Facade.Proxy;
using GenieHive.Routing;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Responses;

/// <summary>
/// <c>POST /v1/responses</c> (OpenAI Responses, stateless), routed like chat. A service that speaks the protocol
/// (<see cref="ClientProtocols.OpenAiResponses"/>) gets the caller's body with the role's system prompt in
/// <c>instructions</c>; any other chat service gets it translated to <c>/v1/chat/completions</c> and its answer
/// translated back, streamed as <c>response.*</c> events. Requests that need stored state are refused: GenieHive keeps
/// none, and the engines it routes to do not either (llama-server refuses them too).
/// </summary>
internal sealed class ResponsesEndpoint(IOptions<LimitsOptions> limits)
    : ProxyEndpoint<ResponsesRequest>("responses", ServiceKinds.Chat, OpenAiProxyErrors.Instance)
{
    private static readonly UpstreamPath NativePath = new("/v1/responses");
    private static readonly UpstreamPath ChatPath = new("/v1/chat/completions");

    /// <summary>Fields that only mean something to a server that keeps responses and conversations.</summary>
    private static readonly string[] StatefulFields = ["previous_response_id", "conversation", "prompt"];

    private readonly int _maxBodyBytes = limits.Value.MaxRequestBodyBytes;

    public override async ValueTask<ResponsesRequest?> ReadAsync(HttpContext context)
    {
        var (body, error) = await JsonObjectReader.ReadAsync(context, _maxBodyBytes);
        error ??= body is null ? null : Check(body);
        JsonObject? chat = null;
        if (error is null)
        {
            try
            {
                chat = ResponsesToChat.Translate(body!);
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

        return new ResponsesRequest(JsonObjectReader.String(body!, "model")!, body!, chat!);
    }

    public override HttpRequestMessage CreateUpstreamRequest(ResponsesRequest request, RouteTarget target)
    {
        var policy = target.Policy;
        if (target.Speaks(ClientProtocols.OpenAiResponses))
        {
            var native = (JsonObject)request.Body.DeepClone();
            RequestPolicyApplier.Apply(native, policy, allowSystemPrompt: false, target.UpstreamModel);
            if (!string.IsNullOrEmpty(policy.SystemPrompt))
            {
                native["instructions"] = SystemPromptText.Combine(JsonObjectReader.String(native, "instructions"), policy.SystemPrompt, policy.SystemPromptPosition);
            }

            return new HttpRequestMessage(HttpMethod.Post, NativePath.On(target.BaseUrl)) { Content = JsonObjectReader.ToContent(native) };
        }

        var chat = (JsonObject)request.Chat.DeepClone();
        RequestPolicyApplier.Apply(chat, policy, allowSystemPrompt: true, target.UpstreamModel);
        return new HttpRequestMessage(HttpMethod.Post, ChatPath.On(target.BaseUrl)) { Content = JsonObjectReader.ToContent(chat) };
    }

    public override IResponseRelay SelectRelay(ResponsesRequest request, RouteTarget target, HttpResponseMessage response)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var native = target.Speaks(ClientProtocols.OpenAiResponses);
        if (MediaTypes.IsEventStream(mediaType))
        {
            return native
                ? request.Reasoning ? SseRelay.Unchanged : new SseRelay(ReasoningStrippedEvents.Instance)
                : new SseRelay(new ChatToResponseEvents());
        }

        if (MediaTypes.IsJson(mediaType))
        {
            return native
                ? request.Reasoning ? StreamCopyRelay.Unchanged : new TranslatedJsonRelay(ReasoningStrippedResponse.Instance)
                : new TranslatedJsonRelay(ChatToResponse.Instance);
        }

        return StreamCopyRelay.Unchanged;
    }

    private static ClientError? Check(JsonObject body)
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
