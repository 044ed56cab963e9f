namespace GenieHive.Simulator.Engine;

/// <summary>The model endpoints whose requests <c>/sim/stats</c> counts.</summary>
public enum SimEndpoint
{
    ChatCompletions,
    Completions,
    Embeddings,
    Transcriptions,
}

/// <summary>
/// What happened to requests, for tests (<c>/sim/stats</c>): how many each endpoint received, and how many
/// completed, were rejected (4xx for bad input), were hit by a fault, or were cancelled by their client, and
/// when the last cancellation was noticed (so a test can measure how fast a client's disconnect reaches the engine).
/// </summary>
public sealed class SimulatorStats(TimeProvider time)
{
    private readonly long[] _received = new long[4];
    private long _completed;
    private long _rejected;
    private long _faulted;
    private long _cancelled;
    private long _lastCancelledAtMicroseconds;

    public SimulatorStats()
        : this(TimeProvider.System)
    {
    }

    public void Received(SimEndpoint endpoint) => Interlocked.Increment(ref _received[(int)endpoint]);

    public void Completed() => Interlocked.Increment(ref _completed);

    public void Rejected() => Interlocked.Increment(ref _rejected);

    public void Faulted() => Interlocked.Increment(ref _faulted);

    public void Cancelled()
    {
        // Stamped before the count moves, so a reader that sees the new count also sees its time.
        Interlocked.Exchange(ref _lastCancelledAtMicroseconds, (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond);
        Interlocked.Increment(ref _cancelled);
    }

    public long ReceivedBy(SimEndpoint endpoint) => Interlocked.Read(ref _received[(int)endpoint]);

    public long CompletedCount => Interlocked.Read(ref _completed);

    public long RejectedCount => Interlocked.Read(ref _rejected);

    public long FaultedCount => Interlocked.Read(ref _faulted);

    public long CancelledCount => Interlocked.Read(ref _cancelled);

    /// <summary>When the last cancellation was noticed (Unix seconds, microsecond resolution); null before any.</summary>
    public double? LastCancelledAt => Interlocked.Read(ref _lastCancelledAtMicroseconds) is > 0 and var micros ? micros / 1e6 : null;

    /// <summary>Zeroes every counter (requests in flight keep counting when they finish).</summary>
    public void Reset()
    {
        for (var i = 0; i < _received.Length; i++)
        {
            Interlocked.Exchange(ref _received[i], 0);
        }

        Interlocked.Exchange(ref _completed, 0);
        Interlocked.Exchange(ref _rejected, 0);
        Interlocked.Exchange(ref _faulted, 0);
        Interlocked.Exchange(ref _cancelled, 0);
        Interlocked.Exchange(ref _lastCancelledAtMicroseconds, 0);
    }
}
