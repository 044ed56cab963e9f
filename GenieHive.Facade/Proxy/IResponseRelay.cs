namespace GenieHive.Facade.Proxy;

/// <summary>
/// Carries an upstream answer to the client and says how that went. A relay writes nothing before the answer is
/// committed (status and headers set), so up to then a failure can still fail over; it does not end a broken
/// response itself (the failover loop does, with the endpoint's error event when <see cref="SendsEvents"/>).
/// </summary>
internal interface IResponseRelay
{
    /// <summary>True when the client receives server-sent events (so a broken stream ends with an error event).</summary>
    bool SendsEvents { get; }

    ValueTask<RelayResult> RelayAsync(RelayContext relay);
}

/// <summary>What a relay did: the copy result, like YARP's response-body errors.</summary>
internal enum RelayStatus
{
    /// <summary>The whole answer reached the client.</summary>
    Completed,

    /// <summary>The client went away.</summary>
    ClientGone,

    /// <summary>The upstream failed before anything was committed to the client: another target may still answer.</summary>
    FailedBeforeCommit,

    /// <summary>The upstream failed after the answer had started: the client's response is broken.</summary>
    Interrupted,
}

/// <summary>
/// A relay's result; <see cref="TimedOut"/> tells a silent upstream from a dropped connection, <see cref="Malformed"/>
/// says why an answer that did arrive could not be relayed (not JSON text, too large, an endless SSE line).
/// </summary>
internal readonly record struct RelayResult(RelayStatus Status, bool TimedOut = false, string? Malformed = null)
{
    /// <summary>
    /// The engine answered something no client can use: a failure of the service (it cools down), before the commit
    /// one that fails over and ends in 502, after it one that ends the stream with the error event.
    /// </summary>
    public static RelayResult Unusable(string why, bool committed) =>
        new(committed ? RelayStatus.Interrupted : RelayStatus.FailedBeforeCommit, Malformed: why);

    public static RelayResult Completed => new(RelayStatus.Completed);

    public static RelayResult ClientGone => new(RelayStatus.ClientGone);
}
