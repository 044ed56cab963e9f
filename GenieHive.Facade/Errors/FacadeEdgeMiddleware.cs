using GenieHive.Contracts;
using GenieHive.Facade.Memory;

namespace GenieHive.Facade.Errors;

/// <summary>
/// The one middleware in front of every endpoint: counts the request for <see cref="RequestActivity"/>, stamps
/// <c>X-Request-Id</c> on the response, and turns anything unexpected into an error without details (never a stack
/// trace) in the routed endpoint's shape, or aborts the connection when the response had already started.
/// </summary>
internal sealed partial class FacadeEdgeMiddleware(RequestDelegate next, RequestActivity activity, ILogger<FacadeEdgeMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        activity.Begin();
        try
        {
            await HandleAsync(context);
        }
        finally
        {
            activity.End();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var requestId = RequestIds.Resolve(context.Request.Headers[GenieHiveHeaders.RequestId]);
        context.Response.Headers[GenieHiveHeaders.RequestId] = requestId;
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody is left to answer.
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            // Kestrel's own verdicts on the request (body too large for the server limit, truncated body, ...).
            Log.BadRequest(logger, ex.StatusCode, requestId);
            ResetResponse(context, requestId);
            if (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await WriteErrorAsync(context, ex.StatusCode, "The request body is too large.", OpenAiErrorTypes.InvalidRequest, OpenAiErrorCodes.RequestTooLarge);
            }
            else
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "The request could not be read.", OpenAiErrorTypes.InvalidRequest, null);
            }
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            Log.Unhandled(logger, ex, requestId);
            ResetResponse(context, requestId);
            await WriteErrorAsync(
                context,
                StatusCodes.Status500InternalServerError,
                "The facade failed to handle the request.",
                OpenAiErrorTypes.Server,
                OpenAiErrorCodes.InternalError);
        }
        catch (Exception ex)
        {
            // Part of a response is out: a clean error is no longer possible, and a silent truncation would lie.
            Log.UnhandledAfterStart(logger, ex, requestId);
            context.Abort();
        }
    }

    /// <summary>
    /// The error in the shape of the endpoint the request was routed to: Anthropic's where the endpoint carries
    /// <see cref="AnthropicErrorShape"/> (<c>/v1/messages</c>), OpenAI's everywhere else.
    /// </summary>
    private static Task WriteErrorAsync(HttpContext context, int status, string message, string type, string? code) =>
        context.GetEndpoint()?.Metadata.GetMetadata<AnthropicErrorShape>() is not null
            ? AnthropicErrors.WriteAsync(context, status, message)
            : OpenAiErrors.WriteAsync(context, status, message, type, code);

    private static void ResetResponse(HttpContext context, string requestId)
    {
        context.Response.Clear();
        context.Response.Headers[GenieHiveHeaders.RequestId] = requestId;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Request {RequestId} rejected by the server with {StatusCode}")]
        public static partial void BadRequest(ILogger logger, int statusCode, string requestId);

        [LoggerMessage(2, LogLevel.Error, "Request {RequestId} failed unexpectedly")]
        public static partial void Unhandled(ILogger logger, Exception exception, string requestId);

        [LoggerMessage(3, LogLevel.Error, "Request {RequestId} failed after its response started; connection aborted")]
        public static partial void UnhandledAfterStart(ILogger logger, Exception exception, string requestId);
    }
}
