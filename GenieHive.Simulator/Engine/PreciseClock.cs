using System.Diagnostics;
using System.Runtime.InteropServices;

namespace GenieHive.Simulator.Engine;

/// <summary>
/// Completes waits at their due <see cref="Stopwatch"/> timestamp to within a fraction of a millisecond. .NET timers
/// (<c>Task.Delay</c>) fire on the runtime's coarse millisecond tick, which on Linux moves in kernel jiffies (4 ms at
/// 250 Hz): a configured 20 ms time to first token came out anywhere from 16 to 26 ms, and that noise swamped what
/// the benchmark measures (the fraction of a millisecond a proxy adds to the first token). One dedicated thread
/// keeps the due waits in order, parks on a monitor while the next one is far off, and sleeps the last few
/// milliseconds with the OS's precise sleep.
/// </summary>
public sealed class PreciseClock : IDisposable
{
    // Monitor waits are as coarse as the tick: wake that much early and sleep the rest precisely.
    private static readonly long CoarseMargin = Stopwatch.Frequency * 6 / 1000;
    private static readonly long OneMillisecond = Stopwatch.Frequency / 1000;

    private readonly PriorityQueue<TaskCompletionSource, long> _due = new();
    // A monitor, not System.Threading.Lock: the thread parks with Monitor.Wait.
    private readonly object _gate = new();
    private readonly Thread _thread;
    private bool _stopped;

    public PreciseClock()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "simulator precise clock" };
        _thread.Start();
    }

    /// <summary>Completes at <paramref name="dueTimestamp"/> (a <see cref="Stopwatch"/> timestamp), or cancels.</summary>
    public async Task WaitUntilAsync(long dueTimestamp, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _due.Enqueue(done, dueTimestamp);
            Monitor.Pulse(_gate);
        }

        // A cancelled wait stays queued until it is due; completing it then does nothing.
        using var registration = cancellationToken.UnsafeRegister(static (state, token) => ((TaskCompletionSource)state!).TrySetCanceled(token), done);
        await done.Task.ConfigureAwait(false);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            Monitor.Pulse(_gate);
        }

        _thread.Join();
        while (_due.TryDequeue(out var waiter, out _))
        {
            waiter.TrySetCanceled();
        }
    }

    private void Run()
    {
        while (true)
        {
            TaskCompletionSource? ready = null;
            long remaining;
            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }

                if (!_due.TryPeek(out _, out var due))
                {
                    Monitor.Wait(_gate);
                    continue;
                }

                remaining = due - Stopwatch.GetTimestamp();
                if (remaining <= 0)
                {
                    ready = _due.Dequeue();
                }
                else if (remaining > CoarseMargin)
                {
                    // Far off: park (a new, earlier wait pulses the monitor).
                    Monitor.Wait(_gate, TimeSpan.FromTicks((remaining - CoarseMargin) * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
                    continue;
                }
            }

            if (ready is not null)
            {
                ready.TrySetResult();
                continue;
            }

            // Close: sleep precisely, in steps of at most a millisecond so that a new, earlier wait is not missed by much.
            PreciseSleep(Math.Min(remaining, OneMillisecond));
        }
    }

    private static void PreciseSleep(long stopwatchTicks)
    {
        var microseconds = (uint)Math.Max(1, stopwatchTicks * 1_000_000 / Stopwatch.Frequency);
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            _ = USleep(microseconds);
        }
        else
        {
            // Elsewhere the millisecond sleep is the best there is without a spin.
            Thread.Sleep(1);
        }
    }

    [DllImport("libc", EntryPoint = "usleep")]
    private static extern int USleep(uint microseconds);
}
