using System.Diagnostics.Metrics;
using GenieHive.Control.Diagnostics;
using GenieHive.Control.Leadership;
using GenieHive.Control.Storage;
using GenieHive.Tests.Control.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace GenieHive.Tests.Control.Leadership;

/// <summary>
/// The elector and the fence in process, each Control's elector stepped by hand (so a test decides who runs when,
/// as a pause would), on a real PostgreSQL and on SQLite.
/// </summary>
public sealed class LeaderElectionTests
{
    private const string Marker = "fenced_marker";

    [Fact]
    public async Task OnSqliteTheOneControlLeadsFromItsFirstStepAndItsFencedWritesLand()
    {
        await using var storage = await TestStorage.CreateAsync(StorageProviders.Sqlite);
        using var control = ElectingControl.Start(storage);

        control.Elector.Campaign();
        var term = Assert.IsType<LeaderTerm>(control.Elector.Current);
        control.Elector.Campaign();

        Assert.Same(term, control.Elector.Current);
        Assert.Equal(1, term.Epoch);
        await control.Database.WriteFencedAsync(term, WriteMarker(7), TestContext.Current.CancellationToken);
        Assert.Equal(7, control.Database.Read(connection => ControlState.Read(connection, null, Marker)));
    }

    [Fact]
    public async Task ALeadersStepTheDatabaseFailedEndsQuietlyAndTheNextStepRuns()
    {
        // What a PostgreSQL restart does to a leader's loop: its pooled session ended (57P01) under the step. Escaping,
        // the exception ended the loop, and the host stopped Control with it.
        await using var storage = await TestStorage.CreateAsync(StorageProviders.Sqlite);
        using var control = ElectingControl.Start(storage);
        control.Elector.Campaign();

        await control.Elector.WhileLeadingAsync("failing step", _ => throw new NpgsqlException("terminating connection due to administrator command"));
        var ranAgain = false;
        await control.Elector.WhileLeadingAsync("next step", _ =>
        {
            ranAgain = true;
            return Task.CompletedTask;
        });

        Assert.True(ranAgain);
        Assert.NotNull(control.Elector.Current);
    }

    [Fact]
    public async Task OfControlsCampaigningAtOnceOnOnePostgresDatabaseExactlyOneLeads()
    {
        await using var storage = await TestStorage.CreateAsync(StorageProviders.Postgres);
        var controls = Enumerable.Range(0, 3).Select(_ => ElectingControl.Start(storage)).ToList();
        try
        {
            using var start = new Barrier(controls.Count);
            for (var round = 0; round < 3; round++)
            {
                await Task.WhenAll(controls.Select(control => Task.Run(() =>
                {
                    start.SignalAndWait(TestContext.Current.CancellationToken);
                    control.Elector.Campaign();
                }, TestContext.Current.CancellationToken))).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

                var leader = Assert.Single(controls, control => control.Elector.Current is not null);
                Assert.Equal(1, leader.Elector.Current!.Epoch);
            }
        }
        finally
        {
            controls.ForEach(control => control.Dispose());
        }
    }

    [Fact]
    public async Task WhenTheLeadersSessionEndsAnotherLeadsAtAHigherEpochAndTheOldLeadersLateWriteIsRefused()
    {
        await using var storage = await TestStorage.CreateAsync(StorageProviders.Postgres);
        using var first = ElectingControl.Start(storage);
        using var second = ElectingControl.Start(storage);
        first.Elector.Campaign();
        second.Elector.Campaign();
        var oldTerm = Assert.IsType<LeaderTerm>(first.Elector.Current);
        Assert.Null(second.Elector.Current);

        // The leader is "paused": it takes no step while the server ends its lock's session under it.
        Assert.Equal(1, await TerminateLockHoldersAsync(storage));
        second.Elector.Campaign();

        var newTerm = Assert.IsType<LeaderTerm>(second.Elector.Current);
        Assert.True(newTerm.Epoch > oldTerm.Epoch, $"new epoch {newTerm.Epoch}, old {oldTerm.Epoch}");
        var refused = await Assert.ThrowsAsync<LeadershipLostException>(
            () => first.Database.WriteFencedAsync(oldTerm, WriteMarker(1), TestContext.Current.CancellationToken));
        Assert.Equal(newTerm.Epoch, refused.CurrentEpoch);
        Assert.Null(first.Elector.Current);
        Assert.Equal(0, first.Database.Read(connection => ControlState.Read(connection, null, Marker)));

        await second.Database.WriteFencedAsync(newTerm, WriteMarker(2), TestContext.Current.CancellationToken);
        Assert.Equal(2, second.Database.Read(connection => ControlState.Read(connection, null, Marker)));

        // Back on its feet, the old leader finds the lock taken and follows.
        first.Elector.Campaign();
        Assert.Null(first.Elector.Current);
        Assert.Same(newTerm, second.Elector.Current);
    }

    [Fact]
    public async Task AFollowerTakesTheLockOnceTheLeaderStopsCleanly()
    {
        await using var storage = await TestStorage.CreateAsync(StorageProviders.Postgres);
        var first = ElectingControl.Start(storage);
        using var second = ElectingControl.Start(storage);
        first.Elector.Campaign();
        second.Elector.Campaign();
        Assert.NotNull(first.Elector.Current);

        first.Dispose();
        second.Elector.Campaign();

        Assert.Equal(2, second.Elector.Current?.Epoch);
    }

    private static Action<System.Data.Common.DbConnection, System.Data.Common.DbTransaction> WriteMarker(long value) =>
        (connection, transaction) => ControlState.Advance(connection, transaction, Marker, value);

    /// <summary>Ends, on the server, every session holding an advisory lock (only the leader's is session-level).</summary>
    private static async Task<int> TerminateLockHoldersAsync(TestStorage storage)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(storage.ConnectionString) { Pooling = false }.ToString());
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid, 5000) FROM pg_locks WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())) AS ended;",
            connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>What a Control needs to elect: its database and its elector, over one engine.</summary>
    private sealed class ElectingControl : IDisposable
    {
        private readonly ServiceProvider _metrics;

        private ElectingControl(TestStorage storage)
        {
            _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
            var engine = storage.NewEngine();
            Database = new ControlDatabase(engine, TimeProvider.System);
            Database.Initialize();
            Elector = new LeaderElector(engine, Database, new ControlTelemetry(_metrics.GetRequiredService<IMeterFactory>()), NullLogger<LeaderElector>.Instance);
        }

        public ControlDatabase Database { get; }

        public LeaderElector Elector { get; }

        public static ElectingControl Start(TestStorage storage) => new(storage);

        public void Dispose()
        {
            Elector.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
            Elector.Dispose();
            Database.Dispose();
            _metrics.Dispose();
        }
    }
}
