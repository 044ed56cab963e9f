using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Facade.Policy;
using GenieHive.Routing;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// An endpoint of another API than chat completions, served by chat services (Anthropic Messages, OpenAI Responses).
/// A target that speaks <see cref="Protocol"/> gets the caller's body with the request policy applied (the system
/// prompt where the API keeps it); any other gets the body translated to <c>/v1/chat/completions</c>, and its answer
/// translated back, whole or event by event. Reasoning reaches the caller only when it asked for it.
/// </summary>
internal abstract class TranslatingEndpoint(string name, string protocol, string nativePath, ProxyErrorWriter errors, IOptions<LimitsOptions> limits)
    : ProxyEndpoint<TranslatedRequest>(name, ServiceKinds.Chat, errors)
{
    private static readonly UpstreamPath ChatPath = new("/v1/chat/completions");

    private readonly UpstreamPath _nativePath = new(nativePath);
    private readonly int _maxBodyBytes = limits.Value.MaxRequestBodyBytes;

    /// <summary>The client protocol a target must claim to get the request as it is (<see cref="ClientProtocols"/>).</summary>
    public string Protocol => protocol;

    public sealed override async ValueTask<TranslatedRequest?> ReadAsync(HttpContext context)
    {
        var (body, error) = await JsonObjectReader.ReadAsync(context, _maxBodyBytes);
        error ??= body is null ? null : Check(body);
        JsonObject? chat = null;
        if (error is null)
        {
            try
            {
                chat = ToChat(body!);
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

        return new TranslatedRequest(JsonObjectReader.String(body!, "model")!, body!, chat!, AsksForReasoning(body!));
    }

    public sealed override HttpRequestMessage CreateUpstreamRequest(TranslatedRequest request, RouteTarget target)
    {
        var policy = target.Policy;
        if (target.Speaks(protocol))
        {
            var native = (JsonObject)request.Body.DeepClone();
            RequestPolicyApplier.Apply(native, policy, allowSystemPrompt: false, target.UpstreamModel);
            if (!string.IsNullOrEmpty(policy.SystemPrompt))
            {
                PlaceSystemPrompt(native, policy.SystemPrompt, policy.SystemPromptPosition);
            }

            return new HttpRequestMessage(HttpMethod.Post, _nativePath.On(target.BaseUrl)) { Content = JsonObjectReader.ToContent(native) };
        }

        var chat = (JsonObject)request.Chat.DeepClone();
        RequestPolicyApplier.Apply(chat, policy, allowSystemPrompt: true, target.UpstreamModel);
        return new HttpRequestMessage(HttpMethod.Post, ChatPath.On(target.BaseUrl)) { Content = JsonObjectReader.ToContent(chat) };
    }

    public sealed override IResponseRelay SelectRelay(TranslatedRequest request, RouteTarget target, HttpResponseMessage response)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var native = target.Speaks(protocol);
        if (MediaTypes.IsEventStream(mediaType))
        {
            return native
                ? request.AsksForReasoning ? SseRelay.Unchanged : new SseRelay(NativeEventsWithoutReasoning())
                : new SseRelay(ChatEvents(request));
        }

        if (MediaTypes.IsJson(mediaType))
        {
            return native
                ? request.AsksForReasoning ? StreamCopyRelay.Unchanged : new TranslatedJsonRelay(NativeAnswerWithoutReasoning)
                : new TranslatedJsonRelay(ChatAnswer(request));
        }

        return StreamCopyRelay.Unchanged;
    }

    /// <summary>What the API requires of every request, checked before any upstream round trip; null when fine.</summary>
    protected abstract ClientError? Check(JsonObject body);

    /// <summary>The request as chat completions; throws <see cref="RequestShapeException"/> for what cannot be expressed.</summary>
    protected abstract JsonObject ToChat(JsonObject body);

    /// <summary>True when the caller turned reasoning on (Anthropic's <c>thinking</c>, Responses' <c>reasoning</c>).</summary>
    protected abstract bool AsksForReasoning(JsonObject body);

    /// <summary>Puts the role's system prompt where the API keeps its system text.</summary>
    protected abstract void PlaceSystemPrompt(JsonObject native, string prompt, string? position);

    /// <summary>A native stream's events without reasoning (a new instance when it keeps state).</summary>
    protected abstract SseEventWriter NativeEventsWithoutReasoning();

    /// <summary>A native whole answer without reasoning.</summary>
    protected abstract IJsonAnswerTranslator NativeAnswerWithoutReasoning { get; }

    /// <summary>A chat completions stream as this API's events (one instance per request).</summary>
    protected abstract SseEventWriter ChatEvents(TranslatedRequest request);

    /// <summary>A chat completion as this API's answer.</summary>
    protected abstract IJsonAnswerTranslator ChatAnswer(TranslatedRequest request);
}

/// <summary>
/// A request of a <see cref="TranslatingEndpoint"/>: the caller's body (for engines that speak its API) and its chat
/// completions translation (for the others), both shaped anew for every target.
/// </summary>
internal sealed class TranslatedRequest(string model, JsonObject body, JsonObject chat, bool asksForReasoning) : ProxyRequest(model)
{
    public JsonObject Body => body;

    public JsonObject Chat => chat;

    /// <summary>The caller turned reasoning on, so reasoning content is theirs to see.</summary>
    public bool AsksForReasoning => asksForReasoning;

    // Both translations set the chat body's stream flag exactly when the caller asked for a stream.
    public override bool Streams { get; } = JsonObjectReader.IsTrue(chat, "stream");
}
