using System.Runtime.CompilerServices;
using GenieHive.Facade.Errors;
using GenieHive.Routing;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// What the OpenAI JSON endpoints share: a JSON body under <see cref="LimitsOptions.MaxRequestBodyBytes"/>, scanned
/// (not parsed) for <c>model</c> and the fields the endpoint checks, and sent to the same path on the upstream.
/// </summary>
internal abstract class JsonProxyEndpoint(string name, string kind, string upstreamPath, IOptions<LimitsOptions> limits)
    : ProxyEndpoint<JsonProxyRequest>(name, kind, OpenAiProxyErrors.Instance)
{
    private static readonly ClientError NotJson =
        ClientError.UnsupportedMediaType("The request body must be JSON (Content-Type: application/json).");

    private readonly int _maxBodyBytes = limits.Value.MaxRequestBodyBytes;
    private readonly UpstreamPath _upstreamPath = new(upstreamPath);

    /// <summary>True when the role's system prompt goes into this endpoint's body (body defaults always do).</summary>
    protected virtual bool AppliesSystemPrompt => false;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<JsonProxyRequest?> ReadAsync(HttpContext context)
    {
        if (!MediaTypes.IsJson(context.Request.ContentType))
        {
            await Errors.WriteClientErrorAsync(context, NotJson);
            return null;
        }

        if (context.Request.ContentLength > _maxBodyBytes)
        {
            await Errors.WriteClientErrorAsync(context, ClientError.TooLarge(_maxBodyBytes));
            return null;
        }

        var body = await RequestBodyReader.ReadAsync(context, _maxBodyBytes);
        if (body is null)
        {
            await Errors.WriteClientErrorAsync(context, ClientError.TooLarge(_maxBodyBytes));
            return null;
        }

        var scanned = JsonRequestScanner.Scan(body.Span);
        var refusal = scanned.Error is { } error
            ? new ClientError(StatusCodes.Status400BadRequest, error, scanned.ErrorCode ?? OpenAiErrorCodes.InvalidJson, scanned.ErrorParam)
            : CheckFields(scanned);
        if (refusal is not null)
        {
            body.Dispose();
            await Errors.WriteClientErrorAsync(context, refusal);
            return null;
        }

        return new JsonProxyRequest(body, scanned);
    }

    public override HttpRequestMessage CreateUpstreamRequest(JsonProxyRequest request, RouteTarget target) =>
        new(HttpMethod.Post, _upstreamPath.On(target.BaseUrl)) { Content = request.CreateContent(target, AppliesSystemPrompt) };

    /// <summary>The endpoint's own required fields, checked before any upstream round trip; null when they are fine.</summary>
    protected abstract ClientError? CheckFields(in ScannedRequest scanned);

    /// <summary>
    /// The relay for generated text (chat, completions): reasoning keys stripped from events and from a JSON answer;
    /// any other body copied as it is.
    /// </summary>
    protected static IResponseRelay StrippingReasoning(JsonProxyRequest request, HttpResponseMessage response)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        return MediaTypes.IsEventStream(mediaType) ? (request.AddsStreamUsage ? SseRelay.StrippingReasoningAndAddedUsage : SseRelay.StrippingReasoning)
            : MediaTypes.IsJson(mediaType) ? JsonRelay.StrippingReasoning
            : StreamCopyRelay.Unchanged;
    }

    /// <summary>
    /// OpenAI takes a string or an array (of strings or token ids) for <paramref name="field"/>; anything else is refused
    /// before it costs an upstream round trip, whose engine would answer in its own words.
    /// </summary>
    protected static ClientError? TextOrList(FieldShape shape, string field) => shape switch
    {
        FieldShape.String or FieldShape.Array => null,
        FieldShape.Other => new ClientError(StatusCodes.Status400BadRequest, "'" + field + "' must be a string or an array.", OpenAiErrorCodes.InvalidType, field),
        _ => ClientError.Missing(field),
    };
}
