using Microsoft.AspNetCore.Http.HttpResults;

namespace GenieHive.Control.Http;

/// <summary>The ProblemDetails answers Control gives, so every endpoint words them the same way.</summary>
public static class Problems
{
    public static ProblemHttpResult BadRequest(string detail, string? field = null) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "Invalid request",
            detail: detail,
            extensions: field is null ? null : new Dictionary<string, object?> { ["field"] = field });

    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail);

    /// <summary>403 for a valid key without the scope the endpoint needs (<c>code</c>: <c>insufficient_scope</c>).</summary>
    public static ProblemHttpResult InsufficientScope(string scope) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Forbidden",
            detail: $"This key does not have the '{scope}' scope this endpoint needs.",
            extensions: new Dictionary<string, object?> { ["code"] = "insufficient_scope", ["scope"] = scope });

    public static ProblemHttpResult NotFound(string title, string detail, IDictionary<string, object?> extensions) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail, extensions: extensions);

    public static ProblemHttpResult Conflict(string detail, IDictionary<string, object?> extensions) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail, extensions: extensions);

    /// <summary>
    /// 503 for what only the leader among the Control replicas does (<c>code</c>: <c>not_leader</c>): another replica
    /// leads, or this one lost its term while answering. Sent again later, or to another replica, it can succeed.
    /// </summary>
    public static ProblemHttpResult NotLeader(string detail) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Not the leader",
            detail: detail,
            extensions: new Dictionary<string, object?> { ["code"] = GenieHive.ServiceDefaults.ControlFailoverHandler.NotLeaderCode });

    public static ProblemHttpResult PayloadTooLarge(long limit) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Request body too large",
            detail: $"The request body exceeds {limit} bytes (GenieHive:ControlApi:MaxRequestBodyBytes).");

    public static ProblemHttpResult UnsupportedMediaType(string? contentType) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status415UnsupportedMediaType,
            title: "Unsupported media type",
            detail: $"Expected a JSON body (Content-Type: application/json), got '{contentType ?? "none"}'.");
}
