using System.Globalization;
using System.Text;
using System.Text.Json;
using GenieHive.Facade.Json;
using GenieHive.Facade.Proxy;
using Microsoft.Net.Http.Headers;

namespace GenieHive.Facade.Errors;

/// <summary>The proxied OpenAI endpoints' errors: OpenAI's <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal sealed class OpenAiProxyErrors : ProxyErrorWriter
{
    private const int MaxRelayedMessageChars = 2000;

    private static readonly byte[] StreamIdleEvent = ErrorEvent("The upstream stopped sending before the response was complete.");
    private static readonly byte[] StreamDroppedEvent = ErrorEvent("The upstream connection was interrupted before the response was complete.");

    private OpenAiProxyErrors()
    {
    }

    public static OpenAiProxyErrors Instance { get; } = new();

    public override Task WriteClientErrorAsync(HttpContext context, ClientError error) =>
        OpenAiErrors.WriteAsync(context, error.StatusCode, error.Message, OpenAiErrorTypes.InvalidRequest, error.Code, error.Param);

    public override Task WriteKeyRefusalAsync(HttpContext context, Auth.KeyRefusal refusal) => refusal.WriteOpenAiAsync(context);

    public override Task WriteRoutingTableUnavailableAsync(HttpContext context) =>
        OpenAiErrors.RoutingTableUnavailable().ExecuteAsync(context);

    public override Task WriteModelNotFoundAsync(HttpContext context, string model) =>
        OpenAiErrors.ModelNotFound(model).ExecuteAsync(context);

    public override Task WriteNoHealthyTargetAsync(HttpContext context, string kind, string model, int? retryAfterSeconds) =>
        OpenAiErrors.WriteAsync(
            context,
            StatusCodes.Status503ServiceUnavailable,
            "No healthy " + kind + " target available for '" + model + "'.",
            OpenAiErrorTypes.Unavailable,
            OpenAiErrorCodes.NoHealthyTarget,
            "model",
            retryAfterSeconds);

    public override Task WriteUnreachableAsync(HttpContext context, string model) =>
        OpenAiErrors.WriteAsync(context, StatusCodes.Status502BadGateway,
            "No upstream could be reached for '" + model + "'.", OpenAiErrorTypes.Upstream, OpenAiErrorCodes.UpstreamUnreachable);

    public override Task WriteTimedOutAsync(HttpContext context, string model) =>
        OpenAiErrors.WriteAsync(context, StatusCodes.Status504GatewayTimeout,
            "The upstream did not answer in time for '" + model + "'.", OpenAiErrorTypes.Upstream, OpenAiErrorCodes.UpstreamTimeout);

    /// <summary>An OpenAI-style error body passes unchanged with its status; anything else is wrapped with code <c>upstream_error</c>.</summary>
    public override async Task WriteUpstreamErrorAsync(HttpContext context, UpstreamErrorAnswer answer)
    {
        if (answer.RetryAfter is not null)
        {
            context.Response.Headers[HeaderNames.RetryAfter] = answer.RetryAfter;
        }

        var (isOpenAiError, message) = InspectErrorBody(answer.Body, answer.StatusCode);
        if (isOpenAiError)
        {
            context.Response.StatusCode = answer.StatusCode;
            context.Response.ContentType = answer.ContentType ?? "application/json";
            context.Response.ContentLength = answer.Body.Length;
            await context.Response.Body.WriteAsync(answer.Body, context.RequestAborted);
            return;
        }

        await OpenAiErrors.WriteAsync(context, answer.StatusCode, message, OpenAiErrorTypes.Upstream, OpenAiErrorCodes.UpstreamError);
    }

    public override ReadOnlyMemory<byte> StreamErrorEvent(bool timedOut) => timedOut ? StreamIdleEvent : StreamDroppedEvent;

    /// <summary>Whether an engine's error body is OpenAI's shape, and otherwise the message it carries (Ollama's, FastAPI's, plain text).</summary>
    internal static (bool IsOpenAiError, string Message) InspectErrorBody(byte[] body, int status)
    {
        var fallback = "The upstream answered " + status.ToString(CultureInfo.InvariantCulture) + ".";
        if (body.Length == 0)
        {
            return (false, fallback);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.Object)
                {
                    return (true, fallback);
                }

                if (error.ValueKind == JsonValueKind.String)
                {
                    // Ollama's {"error":"..."}: the message, in OpenAI's shape.
                    return (false, error.GetString() ?? fallback);
                }
            }

            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
            {
                return (false, detail.GetString() ?? fallback);
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON, or a message string that is not Unicode text (a lone surrogate escape): relayed as text.
        }

        var text = Encoding.UTF8.GetString(body).Trim();
        return (false, text.Length == 0 ? fallback : text.Length > MaxRelayedMessageChars ? text[..MaxRelayedMessageChars] : text);
    }

    private static byte[] ErrorEvent(string message)
    {
        var json = JsonSerializer.Serialize(
            new OpenAiErrorEnvelope(new OpenAiError(message, OpenAiErrorTypes.Upstream, null, OpenAiErrorCodes.UpstreamStreamInterrupted)),
            FacadeJsonContext.Default.OpenAiErrorEnvelope);
        return Encoding.UTF8.GetBytes("data: " + json + "\n\n");
    }
}
