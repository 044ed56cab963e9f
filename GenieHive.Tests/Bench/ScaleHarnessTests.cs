extern alias soak;

using soak::GenieHive.Bench.Soak;
using soak::GenieHive.Bench.Soak.Fleet;
using soak::GenieHive.Bench.Soak.Scale;

namespace GenieHive.Tests.Bench;

/// <summary>
/// The scale figures of the soak harness (bench/scale.sh): the settings that shape a scale run, the fleet at N services
/// per node, the routing watch's cost against re-downloading every version, and the judgement against issue 17's numbers.
/// </summary>
public sealed class ScaleHarnessTests
{
    [Fact]
    public void SettingsReadServicesPerNodeAndTheStore()
    {
        var root = SoakHarnessTests.RepositoryRoot();

        var defaults = SoakSettings.Parse(["--repo", root]);
        var scale = SoakSettings.Parse(["--repo", root, "--services-per-node", "10", "--store", "postgres", "--postgres", "Host=127.0.0.1;Port=5999;Database=geniehive;Username=postgres"]);

        Assert.Null(defaults.ServicesPerNode);
        Assert.Equal(SoakStore.Sqlite, defaults.Store);
        Assert.Equal(10, scale.ServicesPerNode);
        Assert.Equal(SoakStore.Postgres, scale.Store);
        Assert.Equal("Host=127.0.0.1;Port=5999;Database=geniehive;Username=postgres", scale.PostgresConnectionString);
        Assert.Throws<ArgumentException>(() => SoakSettings.Parse(["--repo", root, "--store", "postgres"]));
        Assert.Throws<ArgumentException>(() => SoakSettings.Parse(["--repo", root, "--store", "mysql"]));
        Assert.Throws<ArgumentException>(() => SoakSettings.Parse(["--repo", root, "--services-per-node", "0"]));
    }

    [Fact]
    public void AThousandNodesOfTenServicesAreTenThousandServicesWithTrafficStillOnTheSimulators()
    {
        Uri[] simulators = [new("http://127.0.0.1:21001"), new("http://127.0.0.1:21002")];

        var fleet = FleetPlan.Build(1000, 8, simulators, servicesPerNode: 10);

        Assert.All(fleet, host => Assert.Equal(10, host.Services.Count));
        var services = fleet.SelectMany(host => host.Services).ToList();
        Assert.Equal(10_000, services.Select(service => service.ServiceId).Distinct(StringComparer.Ordinal).Count());
        Assert.All(services.Where(service => service.AssetId is FleetPlan.ChatModel or FleetPlan.EmbeddingModel),
            service => Assert.Contains(service.Endpoint, new[] { "http://127.0.0.1:21001", "http://127.0.0.1:21002" }));
        Assert.Equal(16, services.Count(service => service.AssetId is FleetPlan.ChatModel or FleetPlan.EmbeddingModel));
        Assert.All(services.Where(service => service.AssetId is not (FleetPlan.ChatModel or FleetPlan.EmbeddingModel)),
            service => Assert.StartsWith("http://127.1.", service.Endpoint, StringComparison.Ordinal));
    }

    [Fact]
    public void TheChangeProbesModelIsServedByItsHostAlone()
    {
        var fleet = FleetPlan.Build(50, 2, [new Uri("http://127.0.0.1:21001")], servicesPerNode: 10);
        var probe = FleetPlan.ProbeHost(1, fleet.Count);

        Assert.Equal(FleetPlan.ProbeModel(1), Assert.Single(probe.Services).AssetId);
        Assert.DoesNotContain(fleet.SelectMany(host => host.Services), service => service.AssetId == FleetPlan.ProbeModel(1));
        Assert.DoesNotContain(fleet, host => host.HostId == probe.HostId);
    }

    [Fact]
    public void AProbeNodeChangesOnlyWhenTold()
    {
        var node = new SimulatedNode(FleetPlan.ProbeHost(0, 10), seed: 7, evolves: false);

        var beats = Enumerable.Range(0, 200).Select(i => node.NextHeartbeat(1000 + i)).ToList();
        node.SetHealthy(0, false);
        var after = node.NextHeartbeat(2000);

        Assert.Equal(0, node.StateChanges);
        Assert.All(beats, beat => Assert.Equal("healthy", beat.Services?[0].State?.Health));
        Assert.Equal("unhealthy", after.Services?[0].State?.Health);
    }

    [Fact]
    public void TheWatchIsComparedWithReDownloadingTheWholeTableAtEveryVersion()
    {
        var start = new WatchPoint(Version: 100, TableBytes: 7_000_000, FacadeFullBytes: 7_000_000, FacadeDeltaBytes: 5_000, ControlFullBytes: 7_000_000, ControlDeltaBytes: 5_000);
        var end = new WatchPoint(Version: 500, TableBytes: 8_000_000, FacadeFullBytes: 7_000_000, FacadeDeltaBytes: 6_005_000, ControlFullBytes: 7_000_000, ControlDeltaBytes: 6_005_000);

        var cost = WatchCostFigures.Between(start, end, seconds: 100);

        Assert.Equal(400, cost.VersionsPublished);
        Assert.Equal(7_500_000, cost.FullTableBytes);
        Assert.Equal(3_000_000_000, cost.ReDownloadBytes);
        Assert.Equal(0, cost.FacadeFullBytes);
        Assert.Equal(6_000_000, cost.FacadeDeltaBytes);
        Assert.Equal(0.2, cost.ReadPercentOfReDownload);
        Assert.Equal(60_000, cost.FacadeBytesPerSecond);
    }

    [Fact]
    public void AResyncCountsAgainstTheWatchAndNoVersionGivesNoRatio()
    {
        var start = new WatchPoint(10, 1_000, 1_000, 0, 1_000, 0);
        var resync = new WatchPoint(20, 1_000, 2_000, 100, 2_000, 100);

        Assert.Equal(11, WatchCostFigures.Between(start, resync, 10).ReadPercentOfReDownload);
        Assert.Null(WatchCostFigures.Between(start, start with { FacadeDeltaBytes = 50 }, 10).ReadPercentOfReDownload);
    }

    [Fact]
    public void TheTargetsAreIssueSeventeensNumbers()
    {
        var watch = WatchCostFigures.Between(new WatchPoint(0, 1_000_000, 0, 0, 0, 0), new WatchPoint(100, 1_000_000, 0, 1_000_000, 0, 1_000_000), 60);
        var quick = Visibility(notSeen: 0, Enumerable.Range(1, 100).Select(i => i * 5.0));
        var lost = Visibility(notSeen: 1, [10, 20]);
        var none = Visibility(notSeen: 0, []);

        var met = ScaleFigures.Check(watch, quick, controlRssPeakMb: 250);
        var missed = ScaleFigures.Check(watch, lost, controlRssPeakMb: 301);

        Assert.Equal([1.0, 495.0, 250.0], met.Select(target => target.Figure!.Value));
        Assert.All(met, target => Assert.True(target.MeetsMust));
        Assert.Equal([false, false, false], met.Select(target => target.MeetsAim));
        Assert.Equal(3000, missed[1].Figure);
        Assert.False(missed[1].MeetsMust);
        Assert.False(missed[2].MeetsMust);
        Assert.Null(ScaleFigures.Check(watch, none, 100)[1].Figure);
    }

    [Fact]
    public void AChangeNotSeenCountsAsTheTimeoutOnlyInTheTargetsPercentile()
    {
        var figures = VisibilityFigures.Of([110, 120, 130], [100, 110, 120], [42.345], 0, TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(20));

        Assert.Equal(4, figures.Changes);
        Assert.Equal(1, figures.NotSeen);
        Assert.Equal(120, figures.FromAck.P99);
        Assert.Equal(3000, figures.FromAckP99WithNotSeenMs);
        Assert.Equal([42.3], figures.NotSeenAt);
    }

    private static VisibilityFigures Visibility(int notSeen, IEnumerable<double> fromAck)
    {
        var values = fromAck.ToList();
        return VisibilityFigures.Of(values, values, [.. Enumerable.Repeat(12.5, notSeen)], 0, TimeSpan.FromSeconds(3), TimeSpan.FromMilliseconds(20));
    }
}
