extern alias soak;

using System.Globalization;
using Microsoft.Data.Sqlite;
using soak::GenieHive.Bench.Soak;
using soak::GenieHive.Bench.Soak.Fleet;
using soak::GenieHive.Bench.Soak.Memory;
using soak::GenieHive.Bench.Soak.Stats;
using soak::GenieHive.Bench.Soak.Verification;

namespace GenieHive.Tests.Bench;

/// <summary>
/// The soak harness's own logic (bench/GenieHive.Bench.Soak, referenced under the alias <c>soak</c> because it compiles
/// a few of the load harness's internal files too): the plateau rule, the windows, the settings, the fleet, the
/// sequence numbers, and the lost-update check against a real SQLite file.
/// </summary>
public sealed class SoakHarnessTests : IDisposable
{
    private const double Mb = 1024 * 1024;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "geniehive-soak-tests-" + Guid.NewGuid().ToString("N"));

    public SoakHarnessTests()
    {
        Directory.CreateDirectory(_folder);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void MemoryThatLevelsOffAfterWarmUpHoldsThePlateau()
    {
        // Warm-up climbs from 100 to 140 MB, then the process wobbles around 140.
        var values = Enumerable.Range(0, 10).Select(i => (100 + (4.0 * i)) * Mb)
            .Concat(Enumerable.Range(0, 20).Select(i => (140 + (i % 3)) * Mb))
            .ToList();

        var verdict = PlateauRule.Check("rss", values);

        Assert.NotNull(verdict);
        Assert.True(verdict.Holds);
        Assert.Equal(142, verdict.LastThirdMaxMb);
    }

    [Fact]
    public void MemoryThatKeepsClimbingFailsThePlateau()
    {
        var values = Enumerable.Range(0, 30).Select(i => (100 + (10.0 * i)) * Mb).ToList();

        var verdict = PlateauRule.Check("rss", values);

        Assert.NotNull(verdict);
        Assert.False(verdict.Holds);
        Assert.True(verdict.SecondHalfMeanMb > verdict.FirstHalfMeanMb);
        Assert.True(verdict.SecondHalfGrowthPercent > 50);
    }

    [Fact]
    public void FewerThanThreeSamplesGiveNoPlateauVerdict()
    {
        Assert.Null(PlateauRule.Check("rss", [100 * Mb, 200 * Mb]));
    }

    [Fact]
    public void WindowsCoverTheRunAndSkipATrailingSliver()
    {
        var samples = Enumerable.Range(0, 200).Select(i => new TimedSample(i / 10.0, 1 + (i % 10))).ToArray();

        var windows = TimeWindows.Of(samples, duration: 20.05, window: 10);

        Assert.Equal(2, windows.Count);
        Assert.All(windows, window => Assert.Equal(100, window.Count));
        Assert.All(windows, window => Assert.Equal(10, window.PerSecond));
    }

    [Fact]
    public void LatencySummaryUsesNearestRankPercentiles()
    {
        var summary = LatencySummary.Of(Enumerable.Range(1, 100).Select(i => (double)i));

        Assert.Equal(50, summary.P50);
        Assert.Equal(99, summary.P99);
        Assert.Equal(100, summary.Max);
    }

    [Fact]
    public void SettingsNeedTheRepositoryRoot()
    {
        Assert.Throws<ArgumentException>(() => SoakSettings.Parse([]));
        Assert.Throws<ArgumentException>(() => SoakSettings.Parse(["--repo", _folder]));
    }

    [Fact]
    public void SettingsReadTheRunShapeAndRefuseUnknownOptions()
    {
        var root = RepositoryRoot();

        var settings = SoakSettings.Parse(["--repo", root, "--minutes", "0.5", "--nodes", "10", "--traffic-hosts", "2", "--heartbeat-ms", "500"]);

        Assert.Equal(TimeSpan.FromSeconds(30), settings.Duration);
        Assert.Equal(10, settings.Nodes);
        Assert.Equal(2, settings.TrafficHosts);
        Assert.Equal(TimeSpan.FromMilliseconds(500), settings.HeartbeatInterval);
        Assert.Throws<ArgumentException>(() => SoakSettings.Parse(["--repo", root, "--bogus"]));
        Assert.Throws<ArgumentException>(() => SoakSettings.Parse(["--repo", root, "--nodes", "4", "--traffic-hosts", "5"]));
        Assert.Throws<ArgumentException>(() => SoakSettings.Parse(["--repo", root, "--minutes", "soon"]));
    }

    [Fact]
    public void TheFleetSendsTrafficOnlyToTheSimulators()
    {
        Uri[] simulators = [new("http://127.0.0.1:21001"), new("http://127.0.0.1:21002")];

        var fleet = FleetPlan.Build(200, 8, simulators);

        Assert.Equal(200, fleet.Count);
        Assert.Equal(8, fleet.Count(host => host.TakesTraffic));
        var serviceIds = fleet.SelectMany(host => host.Services).Select(service => service.ServiceId).ToList();
        Assert.Equal(serviceIds.Count, serviceIds.Distinct(StringComparer.Ordinal).Count());
        Assert.All(fleet.Where(host => host.TakesTraffic).SelectMany(host => host.Services),
            service => Assert.Contains(service.Endpoint, new[] { "http://127.0.0.1:21001", "http://127.0.0.1:21002" }));
        Assert.All(fleet.Where(host => !host.TakesTraffic).SelectMany(host => host.Services),
            service => Assert.StartsWith("http://127.1.", service.Endpoint, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryHeartbeatCarriesTheNextSequenceNumber()
    {
        var node = new SimulatedNode(FleetPlan.Build(1, 1, [new Uri("http://127.0.0.1:21001")])[0], seed: 7);

        var first = node.NextHeartbeat(1000);
        var second = node.NextHeartbeat(1001);
        node.Acknowledge(2);
        node.Acknowledge(1);

        Assert.Equal(1, first.Metrics!["seq"]!.GetValue<long>());
        Assert.Equal(2, second.Metrics!["seq"]!.GetValue<long>());
        Assert.Equal(2, node.LastAcknowledged);
    }

    [Fact]
    public async Task TheDatabaseCheckHoldsWhenTheLastAcknowledgedHeartbeatIsStored()
    {
        var nodes = AcknowledgedNodes(3, heartbeats: 2);
        var database = CreateDatabase(nodes, node => node.LastAcknowledged);

        var result = await UpdateCheck.ViaDatabaseAsync(database, nodes, TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);

        Assert.True(result.Holds);
        Assert.Equal(3, result.HostsFound);
    }

    [Fact]
    public async Task TheDatabaseCheckReportsAnOlderStoredHeartbeatAsALostUpdate()
    {
        var nodes = AcknowledgedNodes(3, heartbeats: 2);
        var database = CreateDatabase(nodes, node => node.Plan.Index == 1 ? node.LastAcknowledged - 1 : node.LastAcknowledged);

        var result = await UpdateCheck.ViaDatabaseAsync(database, nodes, TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken);

        Assert.False(result.Holds);
        Assert.Equal(1, result.LostUpdates);
        Assert.Contains(result.Examples, example => example.StartsWith("soak-001", StringComparison.Ordinal));
    }

    private static List<SimulatedNode> AcknowledgedNodes(int count, int heartbeats)
    {
        var nodes = FleetPlan.Build(count, 1, [new Uri("http://127.0.0.1:21001")]).Select(host => new SimulatedNode(host, seed: host.Index)).ToList();
        foreach (var node in nodes)
        {
            for (var i = 0; i < heartbeats; i++)
            {
                node.NextHeartbeat(1000 + i);
            }

            node.Acknowledge(node.LastSent);
        }

        return nodes;
    }

    // The columns the check reads, as Control stores them (hosts.metrics_json, services.host_id).
    private string CreateDatabase(List<SimulatedNode> nodes, Func<SimulatedNode, long> storedSequence)
    {
        var path = Path.Combine(_folder, "control.sqlite3");
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = "CREATE TABLE hosts (host_id TEXT PRIMARY KEY, metrics_json TEXT NOT NULL); CREATE TABLE services (service_id TEXT PRIMARY KEY, host_id TEXT NOT NULL);";
        create.ExecuteNonQuery();
        foreach (var node in nodes)
        {
            using var host = connection.CreateCommand();
            host.CommandText = "INSERT INTO hosts VALUES ($id, $metrics);";
            host.Parameters.AddWithValue("$id", node.Plan.HostId);
            host.Parameters.AddWithValue("$metrics", "{\"seq\":" + storedSequence(node).ToString(CultureInfo.InvariantCulture) + "}");
            host.ExecuteNonQuery();
            foreach (var service in node.Plan.Services)
            {
                using var row = connection.CreateCommand();
                row.CommandText = "INSERT INTO services VALUES ($service, $host);";
                row.Parameters.AddWithValue("$service", service.ServiceId);
                row.Parameters.AddWithValue("$host", node.Plan.HostId);
                row.ExecuteNonQuery();
            }
        }

        return path;
    }

    /// <summary>The repository root above the test binaries (the settings refuse any other).</summary>
    internal static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "GenieHive.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("GenieHive.sln not found above " + AppContext.BaseDirectory);
    }
}
