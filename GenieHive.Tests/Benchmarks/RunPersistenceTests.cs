using System.Net;
using System.Net.Http.Json;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Control.Benchmarks.Workloads;
using GenieHive.Tests.Control;
using static GenieHive.Tests.Control.ControlTestData;

namespace GenieHive.Tests.Benchmarks;

/// <summary>Runs live in Control's SQLite: a restart shows what happened to them.</summary>
public sealed class RunPersistenceTests
{
    private static readonly GenieHiveJsonContext Json = GenieHiveJsonContext.Default;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARunInterruptedByARestartShowsFailedWithTheReasonAfterwards()
    {
        await using var facade = await StandInFacade.StartAsync();
        var databasePath = ControlFactory.NewDatabasePath();
        // A short lease: the run is failed that long after its benchmarker, stopped with the first Control, went quiet.
        var settings = new Dictionary<string, string?> { ["GenieHive:Benchmarks:LeaseSeconds"] = "2" };
        try
        {
            string runId;
            string finishedId;
            await using (var first = ControlFactory.StartWithBenchmarker(facade.Url, databasePath, settings, keepDatabase: true))
            {
                using var client = first.CreateClient();
                await client.RegisterOkAsync(Host("persist-host", Service("persist-chat"), Service("persist-embed", ServiceKinds.Embeddings, "sim-embed")));

                // A run that finishes (the embeddings answer at once) and one that hangs in its first case.
                finishedId = (await StartAsync(client, new BenchmarkRunRequest { Workload = BuiltInWorkloads.EmbeddingsSimilarity, ServiceId = "persist-embed" })).Id;
                await EventuallyAsync(() => GetAsync(client, finishedId), r => BenchmarkRunStatuses.IsFinished(r.Status), seconds: 20);
                runId = (await StartAsync(client, new BenchmarkRunRequest { Workload = BuiltInWorkloads.ShortReasoning, ServiceId = "persist-chat" })).Id;
                var running = await EventuallyAsync(() => GetAsync(client, runId), r => r.Targets.Single().Status == BenchmarkRunStatuses.Running && facade.ChatRequests > 0, seconds: 20);
                Assert.Equal(BenchmarkRunStatuses.Running, running.Status);
            }

            await using var second = new ControlFactory(databasePath, settings);
            using var restarted = second.CreateClient();

            var interrupted = await EventuallyAsync(() => GetAsync(restarted, runId), r => BenchmarkRunStatuses.IsFinished(r.Status), seconds: 20);
            Assert.Equal(BenchmarkRunStatuses.Failed, interrupted.Status);
            Assert.Contains("Control", interrupted.Error, StringComparison.Ordinal);
            Assert.NotNull(interrupted.FinishedAt);
            var target = Assert.Single(interrupted.Targets);
            Assert.Equal(BenchmarkRunStatuses.Failed, target.Status);
            Assert.NotNull(target.Error);
            var finished = await GetAsync(restarted, finishedId);
            Assert.Equal(BenchmarkRunStatuses.Completed, finished.Status);
            Assert.Equal(1.0, finished.Targets.Single().Results!["pass_rate"]!.GetValue<double>());
            var list = (await restarted.GetFromJsonAsync("/v1/cluster/benchmarks/runs", Json.ListResponseBenchmarkRun, Ct))!.Data;
            Assert.Equal([runId, finishedId], list.Select(r => r.Id));
        }
        finally
        {
            ControlFactory.DeleteDatabase(databasePath);
        }
    }

    [Fact]
    public async Task ARunWithoutTheFacadesAddressFailsSayingSo()
    {
        await using var control = ControlFactory.StartWithBenchmarker(facadeUrl: null);
        using var client = control.CreateClient();
        await client.RegisterOkAsync(Host("lost-host", Service("lost-chat")));

        var run = await StartAsync(client, new BenchmarkRunRequest { Workload = BuiltInWorkloads.ShortReasoning, ServiceId = "lost-chat" });
        var failed = await EventuallyAsync(() => GetAsync(client, run.Id), r => BenchmarkRunStatuses.IsFinished(r.Status), seconds: 20);

        Assert.Equal(BenchmarkRunStatuses.Failed, failed.Status);
        Assert.Contains("services:facade:http:0", failed.Error, StringComparison.Ordinal);
    }

    private static async Task<BenchmarkRun> StartAsync(HttpClient client, BenchmarkRunRequest request)
    {
        using var response = await client.PostAsJsonAsync("/v1/cluster/benchmarks/runs", request, Json.BenchmarkRunRequest, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var run = (await response.Content.ReadFromJsonAsync(Json.BenchmarkRun, Ct))!;
        Assert.EndsWith("/v1/cluster/benchmarks/runs/" + run.Id, response.Headers.Location!.ToString(), StringComparison.Ordinal);
        return run;
    }

    private static async Task<BenchmarkRun> GetAsync(HttpClient client, string id) =>
        (await client.GetFromJsonAsync("/v1/cluster/benchmarks/runs/" + id, Json.BenchmarkRun, Ct))!;
}
