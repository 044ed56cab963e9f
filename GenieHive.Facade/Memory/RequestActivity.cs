namespace GenieHive.Facade.Memory;

/// <summary>
/// Requests started and in flight across the whole facade: two interlocked counters, bumped by the edge middleware,
/// read by <see cref="IdleMemoryTrimmer"/> to tell a quiet facade from a busy one.
/// </summary>
public sealed class RequestActivity
{
    private long _started;
    private long _inFlight;

    /// <summary>Requests started since the facade started.</summary>
    public long Started => Volatile.Read(ref _started);

    /// <summary>Requests whose handling has not finished (a stream counts until its last byte).</summary>
    public long InFlight => Volatile.Read(ref _inFlight);

    public void Begin()
    {
        Interlocked.Increment(ref _started);
        Interlocked.Increment(ref _inFlight);
    }

    public void End() => Interlocked.Decrement(ref _inFlight);
}
