namespace GenieHive.Simulator.Faults;

/// <summary>The kinds of misbehaviour the simulator can be told to show.</summary>
public static class FaultModes
{
    /// <summary>Behave normally.</summary>
    public const string None = "none";

    /// <summary>Answer <c>status</c> with an OpenAI error body (and <c>Retry-After</c> when given).</summary>
    public const string Error = "error";

    /// <summary>Accept the request and never send headers, until the client gives up.</summary>
    public const string Stall = "stall";

    /// <summary>Abort the connection after <c>after_chunks</c> SSE events (JSON answers: before the body).</summary>
    public const string DropMidStream = "drop_mid_stream";

    /// <summary>Wait <c>delay_ms</c> before doing anything, then answer normally.</summary>
    public const string SlowHeaders = "slow_headers";

    public static bool IsKnown(string mode) =>
        mode is None or Error or Stall or DropMidStream or SlowHeaders;
}

/// <summary>
/// A fault to inject into the next requests, as posted to <c>/sim/faults</c>. Test-only. Without <c>paths</c> it
/// affects the model endpoints (<c>/v1/chat/completions</c>, <c>/v1/completions</c>, <c>/v1/embeddings</c>,
/// <c>/v1/audio/transcriptions</c>), after their body was read and found valid; with <c>paths</c> it affects
/// requests whose path starts with one of them (for example <c>["/health", "/metrics"]</c> to fake an engine
/// that is loading or wedged). <c>/sim/*</c> itself is never affected.
/// </summary>
/// <param name="Mode"><c>none</c>, <c>error</c>, <c>stall</c>, <c>drop_mid_stream</c> or <c>slow_headers</c>.</param>
/// <param name="Status">HTTP status of an <c>error</c> (default 500).</param>
/// <param name="Count">How many requests the fault affects; null until it is reset.</param>
/// <param name="RetryAfterSeconds">Sent as <c>Retry-After</c> with an <c>error</c>, when given.</param>
/// <param name="AfterChunks">SSE events sent before <c>drop_mid_stream</c> aborts (default 3).</param>
/// <param name="DelayMs">Milliseconds <c>slow_headers</c> waits (default 1000).</param>
/// <param name="Paths">Path prefixes the fault applies to; null for the model endpoints.</param>
public sealed record FaultSettings(
    string Mode = FaultModes.None,
    int? Status = null,
    int? Count = null,
    int? RetryAfterSeconds = null,
    int? AfterChunks = null,
    int? DelayMs = null,
    IReadOnlyList<string>? Paths = null);

/// <summary>The fault in force, as <c>GET /sim/faults</c> shows it: <c>remaining</c> is null when unlimited.</summary>
public sealed record FaultState(
    string Mode,
    int Status,
    long? Remaining,
    int? RetryAfterSeconds,
    int AfterChunks,
    int DelayMs,
    IReadOnlyList<string>? Paths)
{
    /// <summary>Whether the fault applies to a request for <paramref name="path"/>.</summary>
    public bool AppliesTo(PathString path, bool modelEndpoint)
    {
        if (Paths is null)
        {
            return modelEndpoint;
        }

        foreach (var prefix in Paths)
        {
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
