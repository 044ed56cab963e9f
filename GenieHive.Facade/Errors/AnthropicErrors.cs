using System.Globalization;
using System.Text.Json;
using GenieHive.Facade.Proxy;
using Microsoft.Net.Http.Headers;

namespace GenieHive.Facade.Errors;

/// <summary>
/// Errors in Anthropic's shape, <c>{"type":"error","error":{"type","message"}}</c>, for <c>/v1/messages</c>: the
/// error type follows the status as Anthropic's API assigns it, so an Anthropic SDK raises the class it would.
/// </summary>
public static class AnthropicErrors
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string Permission = "permission_error";
    public const string NotFound = "not_found_error";
    public const string RequestTooLarge = "request_too_large";
    public const string RateLimit = "rate_limit_error";
    public const string Api = "api_error";
    public const string Overloaded = "overloaded_error";

    /// <summary>The error type Anthropic's API gives <paramref name="status"/>.</summary>
    public static string TypeFor(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => Authentication,
        StatusCodes.Status403Forbidden => Permission,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status413PayloadTooLarge => RequestTooLarge,
        StatusCodes.Status429TooManyRequests => RateLimit,
        StatusCodes.Status503ServiceUnavailable or 529 => Overloaded,
        >= 400 and < 500 => InvalidRequest,
        _ => Api,
    };

    /// <summary>Writes the error with the type <paramref name="status"/> takes; the response must not have started.</summary>
    public static Task WriteAsync(HttpContext context, int status, string message, string? retryAfter = null)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        if (retryAfter is not null)
        {
            response.Headers[HeaderNames.RetryAfter] = retryAfter;
        }

        var body = Body(TypeFor(status), message);
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    /// <summary>The error body's bytes.</summary>
    public static byte[] Body(string type, string message)
    {
        var output = new PooledBuffer(256 + message.Length);
        try
        {
            using (var writer = new Utf8JsonWriter(output, JsonStrings.WriterOptions))
            {
                writer.WriteStartObject();
                writer.WriteString("type", "error");
                writer.WriteStartObject("error");
                writer.WriteString("type", type);
                writer.WriteString("message", message);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            return output.Span.ToArray();
        }
        finally
        {
            output.Dispose();
        }
    }

    /// <summary>
    /// A key refusal (401 wrong key, 403 scope or model, 429 limits, with <c>Retry-After</c>) as a minimal API result in
    /// Anthropic's shape (Anthropic clients send <c>x-api-key</c>).
    /// </summary>
    public static IResult Refusal(Auth.KeyRefusal refusal) => new AnthropicErrorResult(refusal);

    /// <summary>Writes a key refusal in Anthropic's shape.</summary>
    public static Task WriteRefusalAsync(HttpContext context, Auth.KeyRefusal refusal) =>
        WriteAsync(context, refusal.StatusCode, refusal.Message, refusal.RetryAfterSeconds?.ToString(CultureInfo.InvariantCulture));

    private sealed class AnthropicErrorResult(Auth.KeyRefusal refusal) : IResult, IStatusCodeHttpResult
    {
        int? IStatusCodeHttpResult.StatusCode => refusal.StatusCode;

        public Task ExecuteAsync(HttpContext httpContext) => WriteRefusalAsync(httpContext, refusal);
    }
}

/// <summary>
/// Endpoint metadata: the endpoint's errors are Anthropic's, also those written before it runs or when it fails (the
/// facade's edge reads it, <see cref="FacadeEdgeMiddleware"/>).
/// </summary>
public sealed class AnthropicErrorShape
{
    private AnthropicErrorShape()
    {
    }

    public static AnthropicErrorShape Instance { get; } = new();
}

/// <summary>
/// <c>/v1/messages</c>'s errors (<see cref="AnthropicErrors"/>). An engine's own error is relayed with its status and
/// message in Anthropic's shape, whichever shape the engine used (a translated request meets OpenAI's).
/// </summary>
internal sealed class AnthropicProxyErrors : ProxyErrorWriter
{
    private static readonly byte[] StreamIdleEvent = ErrorEvent("The upstream stopped sending before the response was complete.");
    private static readonly byte[] StreamDroppedEvent = ErrorEvent("The upstream connection was interrupted before the response was complete.");

    private AnthropicProxyErrors()
    {
    }

    public static AnthropicProxyErrors Instance { get; } = new();

    public override Task WriteClientErrorAsync(HttpContext context, ClientError error) =>
        AnthropicErrors.WriteAsync(context, error.StatusCode, error.Message);

    public override Task WriteKeyRefusalAsync(HttpContext context, Auth.KeyRefusal refusal) => AnthropicErrors.WriteRefusalAsync(context, refusal);

    public override Task WriteRoutingTableUnavailableAsync(HttpContext context) =>
        AnthropicErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "The facade has not received a routing table from Control yet; retry shortly.");

    public override Task WriteModelNotFoundAsync(HttpContext context, string model) =>
        AnthropicErrors.WriteAsync(context, StatusCodes.Status404NotFound, OpenAiErrors.ModelNotFoundMessage(model));

    public override Task WriteNoHealthyTargetAsync(HttpContext context, string kind, string model, int? retryAfterSeconds) =>
        AnthropicErrors.WriteAsync(
            context,
            StatusCodes.Status503ServiceUnavailable,
            "No healthy " + kind + " target available for '" + model + "'.",
            retryAfterSeconds?.ToString(CultureInfo.InvariantCulture));

    public override Task WriteUnreachableAsync(HttpContext context, string model) =>
        AnthropicErrors.WriteAsync(context, StatusCodes.Status502BadGateway, "No upstream could be reached for '" + model + "'.");

    public override Task WriteTimedOutAsync(HttpContext context, string model) =>
        AnthropicErrors.WriteAsync(context, StatusCodes.Status504GatewayTimeout, "The upstream did not answer in time for '" + model + "'.");

    public override Task WriteUpstreamErrorAsync(HttpContext context, UpstreamErrorAnswer answer) =>
        AnthropicErrors.WriteAsync(context, answer.StatusCode, UpstreamMessage(answer), answer.RetryAfter);

    public override ReadOnlyMemory<byte> StreamErrorEvent(bool timedOut) => timedOut ? StreamIdleEvent : StreamDroppedEvent;

    /// <summary>The message of an Anthropic or OpenAI error object; otherwise what <see cref="OpenAiProxyErrors"/> makes of the body.</summary>
    private static string UpstreamMessage(UpstreamErrorAnswer answer)
    {
        var (isErrorObject, message) = OpenAiProxyErrors.InspectErrorBody(answer.Body, answer.StatusCode);
        if (!isErrorObject)
        {
            return message;
        }

        using var document = JsonDocument.Parse(answer.Body);
        return document.RootElement.GetProperty("error").TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String
            ? text.GetString() ?? message
            : message;
    }

    private static byte[] ErrorEvent(string message)
    {
        var data = AnthropicErrors.Body(AnthropicErrors.Api, message);
        var prefix = "event: error\ndata: "u8;
        var bytes = new byte[prefix.Length + data.Length + 2];
        prefix.CopyTo(bytes);
        data.CopyTo(bytes.AsSpan(prefix.Length));
        bytes[^2] = (byte)'\n';
        bytes[^1] = (byte)'\n';
        return bytes;
    }
}
