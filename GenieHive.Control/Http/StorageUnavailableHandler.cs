using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;

namespace GenieHive.Control.Http;

/// <summary>
/// A call that failed because the database did (a PostgreSQL restart or outage, a SQLite file locked past its busy
/// timeout) answers <c>503</c> with <c>code: storage_unavailable</c> and <c>Retry-After</c>, not the generic 500: nothing
/// is wrong with the request, and it can succeed once the database is back. A node agent's next heartbeat, or a client's
/// retry, does so. Writes decided before the failure are kept in memory and retried by their own loops.
/// </summary>
public sealed partial class StorageUnavailableHandler(IProblemDetailsService problems, ILogger<StorageUnavailableHandler> logger) : IExceptionHandler
{
    /// <summary>The ProblemDetails <c>code</c> of this answer.</summary>
    public const string Code = "storage_unavailable";

    /// <summary>What <c>Retry-After</c> says, in seconds: about how long a database restart takes.</summary>
    public const int RetryAfterSeconds = 2;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not DbException || httpContext.Response.HasStarted)
        {
            return false;
        }

        LogUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Storage unavailable",
                Detail = "Control could not reach its database; try again shortly.",
                Extensions = { ["code"] = Code },
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: the database failed")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, Exception exception);
}
