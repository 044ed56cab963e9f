using System.Diagnostics;
using GenieHive.Simulator.Engine;

namespace GenieHive.Tests.Simulator;

/// <summary>
/// The simulator's clock completes every wait and never early, and lets go of cancelled ones. (How close to the due
/// time it lands is a benchmark figure: bench/run.sh, the direct path's time to first token.)
/// </summary>
public sealed class PreciseClockTests
{
    [Fact]
    public async Task WaitsCompleteAndNeverEarly()
    {
        using var clock = new PreciseClock();
        var start = Stopwatch.GetTimestamp();
        var completed = new System.Collections.Concurrent.ConcurrentQueue<(int Index, long At)>();
        int[] offsetsMs = [30, 2, 15, 0, 9, 1, 22, 5];

        await Task.WhenAll(offsetsMs.Select(async (offset, index) =>
        {
            await clock.WaitUntilAsync(start + Ms(offset), TestContext.Current.CancellationToken);
            completed.Enqueue((index, Stopwatch.GetTimestamp()));
        }));

        Assert.Equal(offsetsMs.Length, completed.Count);
        foreach (var (index, at) in completed)
        {
            Assert.True(at >= start + Ms(offsetsMs[index]), "wait " + index + " completed before it was due");
        }
    }

    [Fact]
    public async Task ACancelledWaitEndsAtOnce()
    {
        using var clock = new PreciseClock();
        using var cancel = new CancellationTokenSource();
        var wait = clock.WaitUntilAsync(Stopwatch.GetTimestamp() + Ms(60_000), cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task DisposingTheClockCancelsWhatIsStillWaiting()
    {
        var clock = new PreciseClock();
        var wait = clock.WaitUntilAsync(Stopwatch.GetTimestamp() + Ms(60_000), TestContext.Current.CancellationToken);

        clock.Dispose();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
    }

    private static long Ms(int milliseconds) => Stopwatch.Frequency * milliseconds / 1000;
}
