using System.Globalization;
using GenieHive.Facade.Json;
using Microsoft.Net.Http.Headers;

namespace GenieHive.Facade.Errors;

/// <summary>Writes the facade's own errors in OpenAI's shape.</summary>
public static class OpenAiErrors
{
    /// <summary>Writes an OpenAI error response; the response must not have started.</summary>
    public static Task WriteAsync(
        HttpContext context,
        int statusCode,
        string message,
        string type,
        string? code,
        string? param = null,
        int? retryAfterSeconds = null)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        if (retryAfterSeconds is { } retryAfter)
        {
            response.Headers[HeaderNames.RetryAfter] = retryAfter.ToString(CultureInfo.InvariantCulture);
        }

        var envelope = new OpenAiErrorEnvelope(new OpenAiError(message, type, param, code));
        return response.WriteAsJsonAsync(envelope, FacadeJsonContext.Default.OpenAiErrorEnvelope, contentType: null, context.RequestAborted);
    }

    /// <summary>The same error as an <see cref="IResult"/>, for endpoint handlers and filters.</summary>
    public static OpenAiErrorResult Result(int statusCode, string message, string type, string? code, string? param = null) =>
        new(statusCode, message, type, code, param);

    public static OpenAiErrorResult InvalidApiKey() =>
        Result(StatusCodes.Status401Unauthorized, "Invalid API key.", OpenAiErrorTypes.InvalidRequest, OpenAiErrorCodes.InvalidApiKey);

    public static OpenAiErrorResult ModelNotFound(string model) =>
        Result(StatusCodes.Status404NotFound, ModelNotFoundMessage(model), OpenAiErrorTypes.InvalidRequest, OpenAiErrorCodes.ModelNotFound, "model");

    public static OpenAiErrorResult RoutingTableUnavailable() =>
        Result(
            StatusCodes.Status503ServiceUnavailable,
            "The facade has not received a routing table from Control yet; retry shortly.",
            OpenAiErrorTypes.Unavailable,
            OpenAiErrorCodes.RoutingTableUnavailable);

    public static string ModelNotFoundMessage(string model) => "Unknown model or role '" + model + "'.";
}

/// <summary>An OpenAI-shaped error as a minimal API result.</summary>
public sealed class OpenAiErrorResult(int statusCode, string message, string type, string? code, string? param) : IResult, IStatusCodeHttpResult
{
    public int StatusCode => statusCode;

    int? IStatusCodeHttpResult.StatusCode => statusCode;

    public string Message => message;

    public string? Code => code;

    public Task ExecuteAsync(HttpContext httpContext) =>
        OpenAiErrors.WriteAsync(httpContext, statusCode, message, type, code, param);
}
