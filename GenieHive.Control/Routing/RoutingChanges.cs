using System.Threading.Channels;

namespace GenieHive.Control.Routing;

/// <summary>
/// Counts routing-relevant changes and wakes the publisher. Marking is two interlocked operations, so the
/// heartbeat path can call it freely; the publisher coalesces however many marks arrived into one version.
/// </summary>
public sealed class RoutingChanges
{
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private long _sequence;

    /// <summary>Grows on every change; the publisher compares it with the sequence its last table covered.</summary>
    public long Sequence => Volatile.Read(ref _sequence);

    public void Mark()
    {
        Interlocked.Increment(ref _sequence);
        _signal.Writer.TryWrite(true);
    }

    /// <summary>Completes when something was marked since the last wait.</summary>
    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => _signal.Reader.ReadAsync(cancellationToken);
}
