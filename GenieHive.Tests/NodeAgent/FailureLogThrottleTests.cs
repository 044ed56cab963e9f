using GenieHive.NodeAgent.Heartbeat;
using Microsoft.Extensions.Time.Testing;

namespace GenieHive.Tests.NodeAgent;

public sealed class FailureLogThrottleTests
{
    [Fact]
    public void OnlyTheFirstFailureOfAMinuteIsAWarning()
    {
        var time = new FakeTimeProvider();
        var throttle = new FailureLogThrottle(time);

        Assert.True(throttle.RecordFailure(out var streak, out var suppressed));
        Assert.Equal((1, 0), (streak, suppressed));
        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromSeconds(5));
            Assert.False(throttle.RecordFailure(out _, out _));
        }

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(throttle.RecordFailure(out streak, out suppressed));
        Assert.Equal((12, 10), (streak, suppressed));
    }

    [Fact]
    public void ASuccessEndsTheStreakSoTheNextFailureWarnsAgain()
    {
        var time = new FakeTimeProvider();
        var throttle = new FailureLogThrottle(time);
        throttle.RecordFailure(out _, out _);
        throttle.RecordFailure(out _, out _);

        Assert.Equal(2, throttle.RecordSuccess());
        Assert.Equal(0, throttle.RecordSuccess());
        Assert.True(throttle.RecordFailure(out var streak, out _));
        Assert.Equal(1, streak);
    }
}
