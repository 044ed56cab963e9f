using GenieHive.Simulator;
using GenieHive.Simulator.Engine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static GenieHive.Tests.Simulator.SimulatorTestKit;

namespace GenieHive.Tests.Simulator;

/// <summary>Decode throughput shared across busy slots (<c>DecodeContention</c>), on a fake clock.</summary>
public sealed class SharedThroughputTests
{
    [Fact]
    public async Task BusySlotsShareTheEngineAndOneThatLeavesSpeedsTheOthersUp()
    {
        var clock = SimulatorApp.NewClock();
        var options = Options.Create(new SimulatorOptions { TokensPerSecond = 1, TimeToFirstTokenMs = 0, DecodeContention = 1 });
        using var precise = new PreciseClock();
        var pacer = new GenerationPacer(options, clock, precise, new SharedThroughput(options, clock));
        var a = pacer.Begin(uncachedPromptTokens: 0);
        var b = pacer.Begin(uncachedPromptTokens: 0);
        await pacer.WaitForTokenAsync(a, 0, TestContext.Current.CancellationToken);
        await pacer.WaitForTokenAsync(b, 0, TestContext.Current.CancellationToken);

        // Two busy slots at full contention: each at half speed, so the second token takes two seconds.
        var aSecond = pacer.WaitForTokenAsync(a, 1, TestContext.Current.CancellationToken).AsTask();
        var bSecond = pacer.WaitForTokenAsync(b, 1, TestContext.Current.CancellationToken).AsTask();
        clock.Advance(TimeSpan.FromMilliseconds(1_999));
        Assert.False(aSecond.IsCompleted);
        Assert.False(bSecond.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await Task.WhenAll(aSecond, bSecond).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // b is done: a alone is back at full speed.
        pacer.End(b);
        var aThird = pacer.WaitForTokenAsync(a, 2, TestContext.Current.CancellationToken).AsTask();
        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(aThird.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await aThird.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        pacer.End(a);
    }

    [Fact]
    public async Task ASlotJoiningMidwaySlowsTheOneAlreadyGenerating()
    {
        var clock = SimulatorApp.NewClock();
        var options = Options.Create(new SimulatorOptions { TokensPerSecond = 1, TimeToFirstTokenMs = 0, DecodeContention = 0.5 });
        var throughput = new SharedThroughput(options, clock);
        using var precise = new PreciseClock();
        var pacer = new GenerationPacer(options, clock, precise, throughput);
        var a = pacer.Begin(uncachedPromptTokens: 0);
        await pacer.WaitForTokenAsync(a, 0, TestContext.Current.CancellationToken);
        var aSecond = pacer.WaitForTokenAsync(a, 1, TestContext.Current.CancellationToken).AsTask();

        // Half a token alone, then b joins: a's remaining half token runs at 1/1.5 of its speed (0.75 s).
        clock.Advance(TimeSpan.FromMilliseconds(500));
        var b = pacer.Begin(uncachedPromptTokens: 0);
        await pacer.WaitForTokenAsync(b, 0, TestContext.Current.CancellationToken);
        Assert.Equal(2, throughput.Busy);
        clock.Advance(TimeSpan.FromMilliseconds(749));
        Assert.False(aSecond.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await aSecond.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        pacer.End(a);
        pacer.End(b);
        Assert.Equal(0, throughput.Busy);
    }

    [Fact]
    public async Task ConcurrentRequestsTakeLongerAndAFinishedOneNoLongerCounts()
    {
        var clock = SimulatorApp.NewClock();
        await using var app = SimulatorApp.InMemory(("Slots", 2), ("TokensPerSecond", 1), ("DecodeContention", 1));
        await using var timed = app.OnClock(clock);
        using var client = timed.CreateClient();

        // Three tokens each (the last due two token times after the first), both at half speed: four seconds.
        var first = PostJsonAsync(client, "/v1/chat/completions", Chat("first", maxTokens: 3));
        var second = PostJsonAsync(client, "/v1/chat/completions", Chat("second", maxTokens: 3));
        var throughput = timed.Services.GetRequiredService<SharedThroughput>();
        var counters = timed.Services.GetRequiredService<EngineCounters>();
        // A slot is busy from when it joins, but its first token is timed a moment later: advancing the clock in that
        // gap would count the wait as prompt time. The prompt's decode call is counted right after the first token.
        await EventuallyAsync(() => Task.FromResult(throughput.Busy == 2 && counters.DecodeCalls == 2), "both requests to start generating");
        clock.Advance(TimeSpan.FromMilliseconds(3_999));
        Assert.False(first.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var answers = await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.All(answers, answer => Assert.Equal(4000, answer.GetProperty("timings").GetProperty("predicted_ms").GetDouble()));

        await EventuallyAsync(() => Task.FromResult(throughput.Busy == 0), "both requests to stop generating");
        var callsBefore = counters.DecodeCalls;
        var alone = PostJsonAsync(client, "/v1/chat/completions", Chat("alone", maxTokens: 3));
        await EventuallyAsync(() => Task.FromResult(throughput.Busy == 1 && counters.DecodeCalls == callsBefore + 1), "the request to start generating");
        clock.Advance(TimeSpan.FromMilliseconds(1_999));
        Assert.False(alone.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var answer = await alone.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(2000, answer.GetProperty("timings").GetProperty("predicted_ms").GetDouble());
    }
}
