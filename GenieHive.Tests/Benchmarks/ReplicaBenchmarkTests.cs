using System.Net;
using System.Net.Http.Json;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Control.Benchmarks.Workloads;
using GenieHive.Control.Storage;
using GenieHive.Tests.Control;
using GenieHive.Tests.Control.Storage;
using static GenieHive.Tests.Control.ControlTestData;

namespace GenieHive.Tests.Benchmarks;

/// <summary>
/// Benchmark runs with two Control replicas on one PostgreSQL: the store is the truth, so any replica shows and takes
/// any run; only the leader queues schedule entries, and the benchmarker moves to it when a follower says so.
/// </summary>
public sealed class ReplicaBenchmarkTests
{
    private const string ServiceId = "replica-bench-embed";

    private static readonly GenieHiveJsonContext Json = GenieHiveJsonContext.Default;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARunStartedThroughOneReplicaIsSeenAndCancelledThroughTheOtherAndAScheduleEntryIsQueuedOnce()
    {
        await using var storage = await TestStorage.CreateAsync(StorageProviders.Postgres);
        var settings = Settings(storage);
        await using var first = new ControlFactory(settings: settings);
        using var firstClient = first.CreateClient();
        await firstClient.RegisterOkAsync(Host("replica-bench-host", Service(ServiceId, ServiceKinds.Embeddings, "sim-embed")));
        await using var second = new ControlFactory(settings: settings);
        using var secondClient = second.CreateClient();

        var started = await secondClient.StartRunAsync(new BenchmarkRunRequest { Workload = BuiltInWorkloads.EmbeddingsSimilarity, ServiceId = ServiceId });
        var seen = await firstClient.GetRunAsync(started.Id);
        Assert.Equal(BenchmarkRunStatuses.Queued, seen.Status);
        Assert.Equal(started.Id, Assert.Single(await firstClient.ListRunsAsync()).Id);

        using (var cancel = await firstClient.PostAsync($"/v1/cluster/benchmarks/runs/{started.Id}/cancel", null, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        Assert.Equal(BenchmarkRunStatuses.Cancelled, (await secondClient.GetRunAsync(started.Id)).Status);

        // Both replicas are asked to queue the same schedule entry at once: the leader queues it, the follower refuses.
        var answers = await Task.WhenAll(
            firstClient.PostAsJsonAsync("/v1/cluster/benchmarks/schedule/0/runs", new BenchmarkScheduleRunRequest(), Json.BenchmarkScheduleRunRequest, Ct),
            secondClient.PostAsJsonAsync("/v1/cluster/benchmarks/schedule/0/runs", new BenchmarkScheduleRunRequest(), Json.BenchmarkScheduleRunRequest, Ct));
        try
        {
            Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.ServiceUnavailable], answers.Select(a => a.StatusCode).Order());
            var refused = await answers.Single(a => a.StatusCode == HttpStatusCode.ServiceUnavailable).JsonAsync();
            Assert.Equal("not_leader", refused["code"]!.GetValue<string>());
        }
        finally
        {
            foreach (var answer in answers)
            {
                answer.Dispose();
            }
        }

        foreach (var client in new[] { firstClient, secondClient })
        {
            var scheduled = Assert.Single(await client.ListRunsAsync(), r => r.Trigger == BenchmarkRunTriggers.Schedule);
            Assert.Equal(BenchmarkRunStatuses.Queued, scheduled.Status);
        }
    }

    [Fact]
    public async Task ABenchmarkerGivenTheFollowerFirstQueuesTheScheduleThroughTheLeaderAndCompletesTheRun()
    {
        await using var facade = await StandInFacade.StartAsync();
        await using var storage = await TestStorage.CreateAsync(StorageProviders.Postgres);
        var settings = Settings(storage);
        await using var leader = ControlFactory.StartOnPort(0, settings: settings);
        using var leaderClient = leader.CreateClient();
        await leaderClient.RegisterOkAsync(Host("replica-bench-host", Service(ServiceId, ServiceKinds.Embeddings, "sim-embed")));
        await using var follower = ControlFactory.StartOnPort(0, settings: settings);
        using var followerClient = follower.CreateClient();
        Assert.True((await leaderClient.HealthAsync()).Leadership?.Leader);
        Assert.False((await followerClient.HealthAsync()).Leadership?.Leader);

        await using var benchmarker = BenchmarkerApp.Start([follower.Url, leader.Url], facade.Url);

        var runs = await EventuallyAsync(() => followerClient.ListRunsAsync(), list => list.Count > 0 && list.All(r => BenchmarkRunStatuses.IsFinished(r.Status)), seconds: 30);
        var run = Assert.Single(runs);
        Assert.Equal(BenchmarkRunTriggers.Schedule, run.Trigger);
        Assert.Equal(BenchmarkRunStatuses.Completed, run.Status);
        Assert.Equal(1.0, run.Targets.Single().Results![BenchmarkResultFields.PassRate]!.GetValue<double>());
        Assert.Equal(BenchmarkRunStatuses.Completed, (await leaderClient.GetRunAsync(run.Id)).Status);

        // Its sample scores on both replicas, whichever one the benchmarker reported it to.
        var benchmarkId = run.Targets.Single().BenchmarkId;
        foreach (var client in new[] { leaderClient, followerClient })
        {
            var table = await EventuallyAsync(client.RoutingTableAsync, t => t.Benchmarks.Any(s => s.BenchmarkId == benchmarkId));
            Assert.Equal(ServiceId, table.Benchmarks.Single(s => s.BenchmarkId == benchmarkId).ServiceId);
        }
    }

    /// <summary>One schedule entry (the built-in embeddings workload, every hour) and hosts that stay fresh without heartbeats.</summary>
    private static Dictionary<string, string?> Settings(TestStorage storage) => new(storage.Settings)
    {
        ["GenieHive:Benchmarks:Schedule:0:Workload"] = BuiltInWorkloads.EmbeddingsSimilarity,
        ["GenieHive:Benchmarks:Schedule:0:Kind"] = ServiceKinds.Embeddings,
        ["GenieHive:Benchmarks:Schedule:0:EveryHours"] = "1",
        ["GenieHive:Routing:HostTimeoutSeconds"] = "3600",
    };
}
