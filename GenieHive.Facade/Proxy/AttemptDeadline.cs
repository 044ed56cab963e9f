namespace GenieHive.Facade.Proxy;

/// <summary>
/// The clock of one attempt: cancelled when the client leaves, when the upstream's first byte takes longer than the
/// first-byte timeout, or, once relaying, when the upstream is silent longer than the idle timeout.
/// </summary>
internal readonly struct AttemptDeadline(CancellationTokenSource source, TimeSpan idleTimeout)
{
    public CancellationToken Token => source.Token;

    /// <summary>Restarts the clock with the idle timeout: called before each read from the upstream.</summary>
    public void ExtendForIdle() => source.CancelAfter(idleTimeout);
}
