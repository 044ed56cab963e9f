using GenieHive.Facade.Observations;
using GenieHive.Routing.Prediction;
using Microsoft.Extensions.Time.Testing;

namespace GenieHive.Tests.Facade;

/// <summary>The facade's running speed figures, as the route selector's delay prediction reads them.</summary>
public sealed class SpeedEstimatesTests
{
    [Fact]
    public void ADecodeBesideAnotherRequestTeachesHowMuchSlotsShareNotTheSpeedAlone()
    {
        var halved = new SpeedEstimates();
        halved.Add(20, double.NaN, double.NaN, 32, sharedWith: 0);
        halved.Add(10, double.NaN, double.NaN, 32, sharedWith: 1);

        Assert.Equal(20, halved.Current.DecodeTokensPerSec);
        Assert.Equal(1, halved.Current.SlotSharing, 6);

        var independent = new SpeedEstimates();
        independent.Add(20, double.NaN, double.NaN, 32, sharedWith: 0);
        independent.Add(20.5, double.NaN, double.NaN, 32, sharedWith: 3);

        Assert.Equal(20, independent.Current.DecodeTokensPerSec);
        Assert.Equal(0, independent.Current.SlotSharing);
    }

    [Fact]
    public void WithNothingMeasuredAloneTheFirstSharedDecodeStandsForTheSpeedAlone()
    {
        var estimates = new SpeedEstimates();
        Assert.True(double.IsNaN(estimates.Current.SlotSharing));

        estimates.Add(10, double.NaN, double.NaN, 32, sharedWith: 2);

        Assert.Equal(10 * (1 + (2 * DelayPredictor.DefaultSlotSharing)), estimates.Current.DecodeTokensPerSec);
        Assert.True(double.IsNaN(estimates.Current.SlotSharing));
    }

    [Fact]
    public void AFirstTokenIsLearnedWhenItComesAndKeptNetOfThePrefillTheEngineReports()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000));
        var stats = new ServiceStats("slow", 16);
        var watch = FirstTokenWatch.Start(stats, time, prefillMs: 250, queued: false, cold: false);

        Assert.Equal(UnixSeconds(time) + 0.25, stats.OldestAwaitingSince, 3);
        time.Advance(TimeSpan.FromMilliseconds(1000));
        watch.Arrived(time.GetTimestamp());

        // Learned before the answer ends; no longer waiting.
        Assert.Equal(1000, stats.Speeds.Current.TtftMs, 3);
        Assert.True(double.IsNaN(stats.OldestAwaitingSince));

        watch.Ended(promptMs: 300, promptTokens: 1200);
        Assert.Equal(700, stats.Speeds.Current.TtftMs, 3);
    }

    [Fact]
    public void AShortPromptSaysNothingAboutPrefillAndStaysInTheFirstToken()
    {
        // 50 tokens in 400 ms is the engine's fixed cost per request, not a prefill speed of 125 tokens/s.
        var estimates = new SpeedEstimates();
        var weight = estimates.AddFirstToken(400, queued: false, cold: false);
        estimates.TakeOutPrefill(weight, 400, prefillTokens: 50);
        estimates.Add(25, 125, prefillTokens: 50, 32, sharedWith: 0);

        Assert.Equal(400, estimates.Current.TtftMs);
        Assert.True(double.IsNaN(estimates.Current.PromptTokensPerSec));

        estimates.Add(25, 400, prefillTokens: 1200, 32, sharedWith: 0);
        Assert.Equal(400, estimates.Current.PromptTokensPerSec);
    }

    [Fact]
    public void AQueuedAttemptTeachesNoTimeToFirstTokenAndAFailedOneStopsWaiting()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000));
        var stats = new ServiceStats("busy", 16);
        var queued = FirstTokenWatch.Start(stats, time, prefillMs: 0, queued: true, cold: false);
        Assert.True(double.IsNaN(stats.OldestAwaitingSince));
        time.Advance(TimeSpan.FromSeconds(2));
        queued.Arrived(time.GetTimestamp());
        Assert.True(double.IsNaN(stats.Speeds.Current.TtftMs));

        var older = FirstTokenWatch.Start(stats, time, prefillMs: 0, queued: false, cold: false);
        var sentFirst = UnixSeconds(time);
        time.Advance(TimeSpan.FromSeconds(1));
        var newer = FirstTokenWatch.Start(stats, time, prefillMs: 0, queued: false, cold: false);
        Assert.Equal(sentFirst, stats.OldestAwaitingSince, 3);

        older.Ended(double.NaN, double.NaN);
        Assert.Equal(UnixSeconds(time), stats.OldestAwaitingSince, 3);
        newer.Ended(double.NaN, double.NaN);
        Assert.True(double.IsNaN(stats.OldestAwaitingSince));
        Assert.True(double.IsNaN(stats.Speeds.Current.TtftMs));
    }

    private static double UnixSeconds(TimeProvider time) => time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
}
