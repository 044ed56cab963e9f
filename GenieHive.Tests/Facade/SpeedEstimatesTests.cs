using GenieHive.Facade.Observations;

namespace GenieHive.Tests.Facade;

/// <summary>The facade's running speed figures, as the route selector's delay prediction reads them.</summary>
public sealed class SpeedEstimatesTests
{
    [Fact]
    public void ADecodeBesideAnotherRequestTeachesHowMuchSlotsShareNotTheSpeedAlone()
    {
        var halved = new SpeedEstimates();
        halved.Add(double.NaN, 20, double.NaN, 32, queued: false, cold: false, sharedWith: 0);
        halved.Add(double.NaN, 10, double.NaN, 32, queued: false, cold: false, sharedWith: 1);

        Assert.Equal(20, halved.Current.DecodeTokensPerSec);
        Assert.Equal(1, halved.Current.SlotSharing, 6);

        var independent = new SpeedEstimates();
        independent.Add(double.NaN, 20, double.NaN, 32, queued: false, cold: false, sharedWith: 0);
        independent.Add(double.NaN, 20.5, double.NaN, 32, queued: false, cold: false, sharedWith: 3);

        Assert.Equal(20, independent.Current.DecodeTokensPerSec);
        Assert.Equal(0, independent.Current.SlotSharing);
    }

    [Fact]
    public void WithNothingMeasuredAloneTheFirstSharedDecodeStandsForTheSpeedAlone()
    {
        var estimates = new SpeedEstimates();
        Assert.True(double.IsNaN(estimates.Current.SlotSharing));

        estimates.Add(double.NaN, 10, double.NaN, 32, queued: false, cold: false, sharedWith: 2);

        Assert.Equal(10 * (1 + (2 * GenieHive.Routing.Prediction.DelayPredictor.DefaultSlotSharing)), estimates.Current.DecodeTokensPerSec);
        Assert.True(double.IsNaN(estimates.Current.SlotSharing));
    }
}
