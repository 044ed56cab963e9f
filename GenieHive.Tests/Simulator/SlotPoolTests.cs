using GenieHive.Simulator;
using GenieHive.Simulator.Engine;
using Microsoft.Extensions.Options;

namespace GenieHive.Tests.Simulator;

public sealed class SlotPoolTests
{
    [Fact]
    public async Task ReleasedSlotGoesToTheOldestWaiter()
    {
        var pool = new SlotPool(Options.Create(new SimulatorOptions { Slots = 1 }));
        var held = await pool.AcquireAsync(TestContext.Current.CancellationToken);

        var first = pool.AcquireAsync(TestContext.Current.CancellationToken).AsTask();
        var second = pool.AcquireAsync(TestContext.Current.CancellationToken).AsTask();
        Assert.Equal(1, pool.Processing);
        Assert.Equal(2, pool.Deferred);

        pool.Release(held);
        var next = await first.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.False(second.IsCompleted);
        Assert.Equal(1, pool.Deferred);

        pool.Release(next);
        pool.Release(await second.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        Assert.Equal(0, pool.Processing);
        Assert.Equal(0, pool.Deferred);
    }

    [Fact]
    public async Task CancelledWaiterLeavesTheQueueAndIsSkipped()
    {
        var pool = new SlotPool(Options.Create(new SimulatorOptions { Slots = 1 }));
        var held = await pool.AcquireAsync(TestContext.Current.CancellationToken);
        using var cancel = new CancellationTokenSource();

        var cancelled = pool.AcquireAsync(cancel.Token).AsTask();
        var waiting = pool.AcquireAsync(TestContext.Current.CancellationToken).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        Assert.Equal(1, pool.Deferred);
        pool.Release(held);
        pool.Release(await waiting.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
        Assert.Equal(0, pool.Processing);
    }

    [Fact]
    public async Task EachSlotGetsANewTaskId()
    {
        var pool = new SlotPool(Options.Create(new SimulatorOptions { Slots = 2 }));

        var a = await pool.AcquireAsync(TestContext.Current.CancellationToken);
        var b = await pool.AcquireAsync(TestContext.Current.CancellationToken);

        var states = pool.Snapshot();
        Assert.NotEqual(a.Id, b.Id);
        Assert.All(states, s => Assert.True(s.IsProcessing));
        Assert.NotEqual(states[0].TaskId, states[1].TaskId);
        pool.Release(a);
        pool.Release(b);
    }
}
