namespace GenieHive.Facade.Console;

/// <summary>
/// One routing decision as the request path made it: what was asked, how the name resolved, where the request went
/// and how it ended. A struct of references the request already holds, so recording one allocates nothing.
/// </summary>
/// <param name="At">When the response was complete (Unix seconds).</param>
/// <param name="RequestId">The request's <c>X-Request-Id</c>.</param>
/// <param name="Kind">The endpoint: <c>chat</c>, <c>completions</c>, <c>embeddings</c>, <c>transcriptions</c>, <c>messages</c>, <c>responses</c> or <c>rerank</c>.</param>
/// <param name="Model">The name the client sent.</param>
/// <param name="RouteType"><c>direct</c> or <c>role</c>.</param>
/// <param name="Role">The requested role, for a role request.</param>
/// <param name="FallbackVia">The fallback role whose pool served it, when the requested role had none.</param>
/// <param name="Strategy">The strategy that ordered the targets.</param>
/// <param name="FirstChoice">The target the selector put first.</param>
/// <param name="ServiceId">The target that answered (or failed last).</param>
/// <param name="Candidates">How many targets the selector ordered.</param>
/// <param name="Attempts">How many targets were tried.</param>
/// <param name="Status">The status code the client got.</param>
/// <param name="TtftMs">Time to first token of a streamed answer; NaN for a JSON answer or when none came.</param>
/// <param name="DurationMs">From the request's start to the end of its response.</param>
public readonly record struct RecentRequest(
    double At,
    string RequestId,
    string Kind,
    string Model,
    string RouteType,
    string? Role,
    string? FallbackVia,
    string Strategy,
    string? FirstChoice,
    string? ServiceId,
    int Candidates,
    int Attempts,
    int Status,
    double TtftMs,
    double DurationMs);
