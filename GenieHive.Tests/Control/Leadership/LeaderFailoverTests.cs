using System.Net;
using GenieHive.Contracts.Cluster;
using GenieHive.Control.Storage;
using GenieHive.Tests.Control.Storage;
using GenieHive.Tests.Testing;
using Npgsql;
using static GenieHive.Tests.Control.ControlTestData;

namespace GenieHive.Tests.Control.Leadership;

/// <summary>
/// Control replicas as real processes on one real PostgreSQL: one leader among replicas started together, and a
/// leader frozen with SIGSTOP replaced within seconds, stepping down when it runs again.
/// </summary>
[Collection(ControlProcessCollection.Name)]
public sealed class LeaderFailoverTests
{
    [Fact]
    public async Task TwoReplicasStartedAtOnceHaveOneLeaderAndQueueAScheduleEntryOnce()
    {
        await using var storage = await TestStorage.CreateAsync(StorageProviders.Postgres);
        var replicas = await Task.WhenAll(StartReplicaAsync(storage), StartReplicaAsync(storage));
        try
        {
            var clients = replicas.Select(replica => replica.CreateClient()).ToList();
            var healths = await Task.WhenAll(clients.Select(client => client.HealthAsync()));
            var leader = Assert.Single(healths, health => health.Leadership!.Leader);
            Assert.True(leader.Leadership!.Epoch >= 1, $"epoch {leader.Leadership.Epoch}");
            Assert.Null(Assert.Single(healths, health => !health.Leadership!.Leader).Leadership!.Epoch);

            // The benchmarker's call for a due entry, reaching both replicas: the leader queues it, the follower refuses.
            foreach (var client in clients)
            {
                await client.RegisterOkAsync(Host("leader-host", Service("leader-svc")));
            }

            var answers = await Task.WhenAll(clients.Select(client => client.PostAsync("/v1/cluster/benchmarks/schedule/0/runs", JsonContent("{}"), TestContext.Current.CancellationToken)));
            Assert.Equal(
                [HttpStatusCode.Accepted, HttpStatusCode.ServiceUnavailable],
                answers.Select(answer => answer.StatusCode).Order());
            var refusal = await Assert.Single(answers, answer => answer.StatusCode == HttpStatusCode.ServiceUnavailable).JsonAsync();
            Assert.Equal("not_leader", (string?)refusal["code"]);
            Assert.Equal(1, await CountAsync(storage, "SELECT COUNT(*) FROM benchmark_runs;"));
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AFrozenLeaderIsReplacedWithinSecondsAtAHigherEpochAndStepsDownWhenItRunsAgain()
    {
        await using var storage = await TestStorage.CreateAsync(StorageProviders.Postgres);
        await using var first = await StartReplicaAsync(storage);
        using var firstClient = first.CreateClient();
        Assert.Equal(1, (await firstClient.HealthAsync()).Leadership!.Epoch);
        await using var second = await StartReplicaAsync(storage);
        using var secondClient = second.CreateClient();
        Assert.False((await secondClient.HealthAsync()).Leadership!.Leader);
        await firstClient.RegisterOkAsync(Host("frozen-host", Service("frozen-svc")));

        first.Pause();
        ClusterHealth? taken;
        TimeSpan takeover;
        Task<HttpResponseMessage> late;
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            taken = await Eventually.ValueAsync(secondClient.HealthAsync, health => health.Leadership!.Leader, "the second replica to lead", TimeSpan.FromSeconds(20));
            takeover = clock.Elapsed;

            // Sent to the frozen process, so it waits in its socket and is served as it runs again, beside its own loops.
            late = firstClient.PostAsync("/v1/cluster/benchmarks/schedule/0/runs", JsonContent("{}"), TestContext.Current.CancellationToken);
        }
        finally
        {
            first.Resume();
        }

        using var refused = await late;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("not_leader", (string?)(await refused.JsonAsync())["code"]);
        Assert.Equal(0, await CountAsync(storage, "SELECT COUNT(*) FROM benchmark_runs;"));

        TestContext.Current.TestOutputHelper?.WriteLine($"Takeover after SIGSTOP: {takeover.TotalSeconds:F1} s");
        Assert.True(taken.Leadership!.Epoch > 1, $"epoch {taken.Leadership.Epoch}");
        // The lock's session idles out on the server after 5 s, and the follower tries every second.
        Assert.True(takeover < Eventually.Seconds(12), $"takeover took {takeover.TotalSeconds:F1} s");

        await Eventually.UntilAsync(() => first.Output.Contains("Lost leadership at epoch 1", StringComparison.Ordinal), "the old leader to step down", TimeSpan.FromSeconds(10), () => first.Output);
        Assert.False((await firstClient.HealthAsync()).Leadership!.Leader);
        Assert.Equal(taken.Leadership.Epoch, (await secondClient.HealthAsync()).Leadership!.Epoch);
        Assert.Equal(taken.Leadership.Epoch, await CountAsync(storage, "SELECT CAST(value AS BIGINT) FROM control_state WHERE key = 'leader_epoch';"));
    }

    private static Task<ControlProcess> StartReplicaAsync(TestStorage storage) =>
        ControlProcess.StartAsync(ControlFactory.NewDatabasePath(), new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [$"{StorageOptions.SectionName}:Provider"] = storage.Provider,
            [$"ConnectionStrings:{StorageOptions.ConnectionStringName}"] = storage.ConnectionString,
            ["GenieHive:Benchmarks:Schedule:0:Workload"] = "chat.short_reasoning",
            ["GenieHive:Benchmarks:Schedule:0:Kind"] = "chat",
            ["Logging:LogLevel:GenieHive.Control.Leadership"] = "Information",
        });

    private static async Task<long> CountAsync(TestStorage storage, string sql)
    {
        await using var connection = new NpgsqlConnection(storage.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
