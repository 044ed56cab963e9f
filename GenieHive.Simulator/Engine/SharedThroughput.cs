using Microsoft.Extensions.Options;

namespace GenieHive.Simulator.Engine;

/// <summary>
/// The engine's compute shared among the slots that are processing a prompt or generating (processor sharing):
/// with n of them busy, each progresses at 1 / (1 + contention × (n − 1)) of its own speed. Progress is kept on one
/// work clock, in seconds of full-speed work, that every busy slot advances on alike; a slot's next token is due when
/// the clock has moved its work since it joined. When a slot joins or leaves, the rate changes, and every wait in
/// progress is woken to recompute its due time.
/// </summary>
public sealed class SharedThroughput
{
    private readonly Lock _gate = new();
    private readonly double _contention;
    private readonly TimeProvider _time;
    private int _busy;
    private double _work;
    private long _at;
    private CancellationTokenSource _rateChanged = new();

    public SharedThroughput(IOptions<SimulatorOptions> options, TimeProvider time)
    {
        _contention = options.Value.DecodeContention;
        _time = time;
        _at = time.GetTimestamp();
    }

    /// <summary>Whether slots slow each other down at all (otherwise the pacer keeps its fixed schedule).</summary>
    public bool IsShared => _contention > 0;

    /// <summary>Slots on the work clock now.</summary>
    public int Busy
    {
        get
        {
            lock (_gate)
            {
                return _busy;
            }
        }
    }

    /// <summary>How much slower than full speed each busy slot runs with <paramref name="busy"/> of them busy.</summary>
    public double Slowdown(int busy) => 1 + (_contention * Math.Max(0, busy - 1));

    /// <summary>A slot starts working; returns the work clock's reading to measure its progress from.</summary>
    public double Join()
    {
        CancellationTokenSource changed;
        double work;
        lock (_gate)
        {
            Advance();
            _busy++;
            work = _work;
            changed = SwapRateChanged();
        }

        Wake(changed);
        return work;
    }

    /// <summary>A slot stops working (done, or its client went away).</summary>
    public void Leave()
    {
        CancellationTokenSource changed;
        lock (_gate)
        {
            Advance();
            _busy--;
            changed = SwapRateChanged();
        }

        Wake(changed);
    }

    /// <summary>
    /// Waits until the work clock reads <paramref name="due"/> (seconds of full-speed work), with
    /// <paramref name="delay"/> doing the waiting in real (or test) time.
    /// </summary>
    public async ValueTask WaitUntilAsync(double due, Func<TimeSpan, CancellationToken, ValueTask> delay, CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan remaining;
            CancellationToken rateChanged;
            lock (_gate)
            {
                Advance();

                // A microsecond of work is below anything the clock can wait for.
                if (_work >= due - 1e-6)
                {
                    return;
                }

                remaining = TimeSpan.FromSeconds((due - _work) * Slowdown(_busy));
                rateChanged = _rateChanged.Token;
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, rateChanged);
            try
            {
                await delay(remaining, wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The rate changed: recompute the due time.
            }
        }
    }

    private void Advance()
    {
        var now = _time.GetTimestamp();
        if (_busy > 0)
        {
            _work += _time.GetElapsedTime(_at, now).TotalSeconds / Slowdown(_busy);
        }

        _at = now;
    }

    private CancellationTokenSource SwapRateChanged()
    {
        var changed = _rateChanged;
        _rateChanged = new CancellationTokenSource();
        return changed;
    }

    // Outside the lock: cancelling runs the waiters' continuations, which take the lock again. Not disposed: a
    // waiter may be linking to its token right now, and a source without a timer holds nothing to release.
    private static void Wake(CancellationTokenSource changed) => changed.Cancel();
}
