using GenieHive.Facade.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Facade;

/// <summary>The facade hands free memory back once per quiet spell: never under traffic, never over and over when idle.</summary>
public sealed class IdleMemoryTrimmerTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly RequestActivity _activity = new();

    [Fact]
    public void TrimsOnceAfterStartUpThenWaitsForTrafficToComeAndGo()
    {
        var trimmer = Trimmer(idleSeconds: 2);

        Assert.False(trimmer.ShouldTrim(After(1)));
        Assert.True(trimmer.ShouldTrim(After(1)));
        Trimmed(trimmer);
        Assert.False(trimmer.ShouldTrim(After(10)));

        _activity.Begin();
        _activity.End();
        Assert.False(trimmer.ShouldTrim(After(0.5)));
        Assert.False(trimmer.ShouldTrim(After(1)));
        Assert.True(trimmer.ShouldTrim(After(1)));
    }

    [Fact]
    public void NeverTrimsWhileARequestIsInFlight()
    {
        var trimmer = Trimmer(idleSeconds: 2);
        _activity.Begin();

        // A long stream: no new request arrives, but one is still being relayed.
        for (var i = 0; i < 10; i++)
        {
            Assert.False(trimmer.ShouldTrim(After(1)));
        }

        _activity.End();
        Assert.False(trimmer.ShouldTrim(After(1)));
        Assert.True(trimmer.ShouldTrim(After(1)));
    }

    [Fact]
    public void SteadyTrafficKeepsPushingTheTrimBack()
    {
        var trimmer = Trimmer(idleSeconds: 2);
        for (var i = 0; i < 20; i++)
        {
            _activity.Begin();
            _activity.End();
            Assert.False(trimmer.ShouldTrim(After(1.5)));
        }
    }

    [Fact]
    public async Task TheRunningFacadeTrimsAfterItsTrafficStops()
    {
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [], []));
        await using var facade = await FacadeHost.StartAsync(control, new Dictionary<string, string?>
        {
            ["GenieHive:Memory:TrimAfterIdleSeconds"] = "0.3",
        });
        var trimmer = facade.Services.GetRequiredService<IdleMemoryTrimmer>();
        var cancellationToken = TestContext.Current.CancellationToken;

        var afterStartUp = await WaitForTrimsAsync(trimmer, 1);
        using (var response = await facade.Client.GetAsync(new Uri("/v1/models", UriKind.Relative), cancellationToken))
        {
            Assert.True(response.IsSuccessStatusCode);
        }

        await WaitForTrimsAsync(trimmer, afterStartUp + 1);
    }

    private static async Task<int> WaitForTrimsAsync(IdleMemoryTrimmer trimmer, int trims)
    {
        await Eventually.UntilAsync(
            () => trimmer.Trims >= trims,
            "the facade to trim after its traffic stopped (" + trims + " trims)",
            TimeSpan.FromSeconds(20),
            () => trimmer.Trims + " trims so far");
        return trimmer.Trims;
    }

    private IdleMemoryTrimmer Trimmer(double idleSeconds) => new(
        _activity,
        Options.Create(new MemoryOptions { TrimAfterIdleSeconds = idleSeconds }),
        _time,
        NullLogger<IdleMemoryTrimmer>.Instance);

    private long After(double seconds)
    {
        _time.Advance(TimeSpan.FromSeconds(seconds));
        return _time.GetTimestamp();
    }

    // What the loop does after a true verdict, without collecting the test process's memory.
    private static void Trimmed(IdleMemoryTrimmer trimmer) => trimmer.MarkTrimmed();
}
