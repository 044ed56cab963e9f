using System.Data.Common;
using System.Text.Json.Nodes;
using GenieHive.Contracts.Cluster;
using GenieHive.Control.Benchmarks;
using GenieHive.Control.Registry;
using GenieHive.Control.Routing;
using GenieHive.Control.Storage;
using Microsoft.Extensions.Options;

namespace GenieHive.Tests.Control.Storage;

/// <summary>The storage seam on both providers: schema creation under a lock, the version check, full-precision timestamps, start-up errors.</summary>
public sealed class StorageTests
{
    [Theory]
    [MemberData(nameof(TestStorage.Providers), MemberType = typeof(TestStorage))]
    public async Task TimestampsKeepEveryDigitOfTheirSeconds(string provider)
    {
        await using var storage = await TestStorage.CreateAsync(provider);
        using var database = new ControlDatabase(storage.NewEngine(), TimeProvider.System);
        database.Initialize();
        var store = new BenchmarkSampleStore(database, new RoutingChanges());
        const double observedAt = 1772366400.123456;

        await store.IngestAsync(
            [new BenchmarkSample { BenchmarkId = "precise", ServiceId = "svc", Workload = "coding", ObservedAt = observedAt, Results = new JsonObject { ["pass_rate"] = 0.5 } }],
            TestContext.Current.CancellationToken);

        var stored = Assert.Single(database.Read(BenchmarkSampleStore.LoadAll));
        Assert.Equal(observedAt, stored.ObservedAt);
    }

    [Theory]
    [MemberData(nameof(TestStorage.Providers), MemberType = typeof(TestStorage))]
    public async Task ControlsStartingTogetherCreateTheSchemaOnce(string provider)
    {
        await using var storage = await TestStorage.CreateAsync(provider);
        var databases = Enumerable.Range(0, 4).Select(_ => new ControlDatabase(storage.NewEngine(), TimeProvider.System)).ToList();
        try
        {
            using var start = new Barrier(databases.Count);
            await Task.WhenAll(databases.Select(database => Task.Run(() =>
            {
                start.SignalAndWait(TestContext.Current.CancellationToken);
                database.Initialize();
            }, TestContext.Current.CancellationToken))).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

            var versions = databases[0].Read(connection => Scalar(connection, "SELECT COUNT(*) FROM schema_version;"));
            Assert.Equal(1, versions);
        }
        finally
        {
            databases.ForEach(database => database.Dispose());
        }
    }

    [Theory]
    [MemberData(nameof(TestStorage.Providers), MemberType = typeof(TestStorage))]
    public async Task ADatabaseWrittenByANewerControlIsRefused(string provider)
    {
        await using var storage = await TestStorage.CreateAsync(provider);
        using (var first = new ControlDatabase(storage.NewEngine(), TimeProvider.System))
        {
            first.Initialize();
            await first.WriteAsync((connection, transaction) =>
            {
                using var command = connection.Command(transaction, "INSERT INTO schema_version (version, applied_at) VALUES (99, 0);");
                command.ExecuteNonQuery();
            }, TestContext.Current.CancellationToken);
        }

        using var second = new ControlDatabase(storage.NewEngine(), TimeProvider.System);
        var error = Assert.Throws<InvalidOperationException>(second.Initialize);
        Assert.Contains($"schema version 99, newer than this Control understands ({ControlDatabase.SchemaVersion})", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStorage.Providers), MemberType = typeof(TestStorage))]
    public async Task ADatabaseOfSchemaVersionOneGetsTheRegistrySequencesAndKeepsItsHosts(string provider)
    {
        await using var storage = await TestStorage.CreateAsync(provider);
        using (var first = new ControlDatabase(storage.NewEngine(), TimeProvider.System))
        {
            first.Initialize();
            // Back to what version 1 wrote: no sequences on hosts, and one host in the old shape.
            await first.WriteAsync((connection, transaction) =>
            {
                foreach (var sql in new[]
                {
                    "ALTER TABLE hosts DROP COLUMN change_seq;",
                    "ALTER TABLE hosts DROP COLUMN full_seq;",
                    "DELETE FROM schema_version;",
                    "INSERT INTO schema_version (version, applied_at) VALUES (1, 0);",
                    "INSERT INTO hosts (host_id, address, last_seen, registered_at) VALUES ('old-host', '127.0.0.1', 10, 5);",
                })
                {
                    using var command = connection.Command(transaction, sql);
                    command.ExecuteNonQuery();
                }
            }, TestContext.Current.CancellationToken);
        }

        using var second = new ControlDatabase(storage.NewEngine(), TimeProvider.System);
        second.Initialize();

        Assert.Equal(ControlDatabase.SchemaVersion, second.Read(connection => Scalar(connection, "SELECT MAX(version) FROM schema_version;")));
        var host = Assert.Single(second.Read(RegistryStore.LoadHosts));
        Assert.Equal(("old-host", 10.0, 0L), (host.HostId, host.LastSeen, host.StoredSeq));
        Assert.Equal(0, second.Read(connection => Scalar(connection, "SELECT change_seq FROM hosts;")));
    }

    [Theory]
    [MemberData(nameof(TestStorage.Providers), MemberType = typeof(TestStorage))]
    public async Task HeartbeatsMergeManyToAStatementKeepingTheLatestAndWriteAHostTheDatabaseLacksWhole(string provider)
    {
        await using var storage = await TestStorage.CreateAsync(provider);
        using var database = new ControlDatabase(storage.NewEngine(), TimeProvider.System);
        database.Initialize();
        static HostRecord Beat(int i, double lastSeen) => new()
        {
            HostId = $"beat-host-{i:D3}",
            Address = "127.0.0.1",
            LastSeen = lastSeen,
            RegisteredAt = 1,
            Metrics = new JsonObject { ["seq"] = lastSeen },
        };

        // More hosts than one statement carries, so the merge runs in several.
        const int Hosts = 600;
        await database.WriteAsync((connection, transaction) =>
            RegistryStore.Save(connection, transaction, [.. Enumerable.Range(0, Hosts).Select(i => new HostPersistence(Beat(i, 10), []))], 1),
            TestContext.Current.CancellationToken);
        await database.WriteAsync((connection, transaction) => RegistryStore.Save(
            connection,
            transaction,
            [
                .. Enumerable.Range(1, Hosts - 1).Select(i => new HostPersistence(Beat(i, 20), null)),
                new HostPersistence(Beat(0, 5) with { State = "offline" }, null),
                new HostPersistence(Beat(Hosts, 30), null),
            ],
            2), TestContext.Current.CancellationToken);

        var hosts = database.Read(RegistryStore.LoadHosts).ToDictionary(host => host.HostId);
        Assert.Equal(Hosts + 1, hosts.Count);
        // An older heartbeat (another replica's, written late) does not move the row back.
        Assert.Equal(("online", 10.0), (hosts["beat-host-000"].State, hosts["beat-host-000"].LastSeen));
        Assert.All(Enumerable.Range(1, Hosts - 1), i => Assert.Equal(20.0, hosts[$"beat-host-{i:D3}"].Metrics["seq"]!.GetValue<double>()));
        Assert.Equal(30.0, hosts[$"beat-host-{Hosts:D3}"].LastSeen);
        Assert.Equal(Hosts + 1, database.Read(connection => Scalar(connection, "SELECT COUNT(*) FROM hosts WHERE change_seq = 2;")));
    }

    [Fact]
    public async Task AnUnknownProviderStopsStartUpNamingTheSetting()
    {
        var error = await ControlFactory.StartupErrorAsync(new Dictionary<string, string?> { ["GenieHive:Storage:Provider"] = "mysql" });

        Assert.IsType<OptionsValidationException>(error);
        Assert.Contains("GenieHive:Storage:Provider is 'mysql': use 'sqlite' (the default, one embedded file) or 'postgres'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostgresWithoutAConnectionStringStopsStartUp()
    {
        var error = await ControlFactory.StartupErrorAsync(new Dictionary<string, string?>
        {
            ["GenieHive:Storage:Provider"] = "Postgres",
            ["ConnectionStrings:geniehive"] = "",
        });

        Assert.IsType<OptionsValidationException>(error);
        Assert.Contains("ConnectionStrings:geniehive is not set (an Npgsql connection string", error.Message, StringComparison.Ordinal);
    }

    private static long Scalar(DbConnection connection, string sql)
    {
        using var command = connection.Command(null, sql);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
