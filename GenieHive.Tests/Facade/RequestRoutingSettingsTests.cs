using Microsoft.Extensions.Options;

namespace GenieHive.Tests.Facade;

/// <summary>
/// The facade's routing knobs live in <c>GenieHive:RequestRouting</c>; <c>GenieHive:Routing</c> is Control's section,
/// and a facade knob left there is refused at start rather than silently ignored.
/// </summary>
public sealed class RequestRoutingSettingsTests
{
    [Fact]
    public async Task TheScoreToleranceIsReadFromTheFacadesOwnSection()
    {
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [], []));
        await using var facade = await FacadeHost.StartAsync(control, new Dictionary<string, string?> { ["GenieHive:RequestRouting:ScoreTolerance"] = "0.3" });

        Assert.Equal(0.3, facade.Routing.Selector.ScoreTolerance);
    }

    [Theory]
    [InlineData("ScoreTolerance", "0.1")]
    [InlineData("WatchWaitSeconds", "5")]
    public async Task AFacadeKnobInControlsSectionStopsTheFacade(string key, string value)
    {
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [], []));

        var failure = await FacadeHost.StartFailureAsync(control, new Dictionary<string, string?> { ["GenieHive:Routing:" + key] = value });

        Assert.Contains(nameof(OptionsValidationException), failure, StringComparison.Ordinal);
        Assert.Contains("belong in GenieHive:RequestRouting", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ControlsOwnRoutingKeysDoNotDisturbTheFacade()
    {
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [], []));
        await using var facade = await FacadeHost.StartAsync(control, new Dictionary<string, string?>
        {
            ["GenieHive:Routing:Strategy"] = "round_robin",
            ["GenieHive:Routing:HostTimeoutSeconds"] = "30",
        });

        Assert.Equal(1, facade.Routing.Current?.Version);
    }
}
