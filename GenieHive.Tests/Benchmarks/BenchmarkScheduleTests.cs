using System.Net.Http.Json;
using GenieHive.Benchmarker.Scheduling;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Control.Benchmarks.Workloads;
using GenieHive.Tests.Control;
using static GenieHive.Tests.Control.ControlTestData;

namespace GenieHive.Tests.Benchmarks;

/// <summary>
/// The schedule (<c>GenieHive:Benchmarks:Schedule</c>): workloads re-run every <c>EveryHours</c>, and with
/// <c>RunOnServiceChange</c> for a service that appears or changes its loaded model. Control serves the schedule, the
/// benchmarker acts on it and runs against a stand-in facade that answers embeddings at once, so the runs finish
/// quickly and the tests are about when they start.
/// </summary>
public sealed class BenchmarkScheduleTests
{
    private const string FaqWorkload = "embeddings.faq";

    private static readonly GenieHiveJsonContext Json = GenieHiveJsonContext.Default;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AScheduledWorkloadRunsOnceItHasServicesAndAgainOnlyAfterItsPeriod()
    {
        await using var facade = await StandInFacade.StartAsync();
        var workloadsPath = Path.Combine(Path.GetTempPath(), "geniehive-tests", $"workloads-{Guid.NewGuid():N}.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(workloadsPath)!);
        await File.WriteAllTextAsync(workloadsPath, $"""
            workloads:
              - name: {FaqWorkload}
                kind: embeddings
                cases:
                  - {"{"} name: reset, anchor: reset my password, similar: change my password, unrelated: bake bread {"}"}
            """, Ct);
        try
        {
            var clock = ControlFactory.NewClock();
            await using var control = ControlFactory.StartWithBenchmarker(facade.Url, settings: new Dictionary<string, string?>
            {
                ["GenieHive:Benchmarks:WorkloadsPath"] = workloadsPath,
                // Every 2 hours, and (a witness that the scheduler looked) the file workload every half hour.
                ["GenieHive:Benchmarks:Schedule:0:Workload"] = BuiltInWorkloads.EmbeddingsSimilarity,
                ["GenieHive:Benchmarks:Schedule:0:Kind"] = ServiceKinds.Embeddings,
                ["GenieHive:Benchmarks:Schedule:0:EveryHours"] = "2",
                ["GenieHive:Benchmarks:Schedule:1:Workload"] = FaqWorkload,
                ["GenieHive:Benchmarks:Schedule:1:Kind"] = ServiceKinds.Embeddings,
                ["GenieHive:Benchmarks:Schedule:1:EveryHours"] = "0.5",
                // The clock jumps hours: keep the host fresh and every sample.
                ["GenieHive:Routing:HostTimeoutSeconds"] = "86400",
                ["GenieHive:Benchmarks:MaxSampleAgeHours"] = "0",
                // A run's lease is on this clock too: a minute moved while a run is measured is a minute of silence from its
                // benchmarker, which fails it under the default 30 s lease. The test moves the clock only when the runs it
                // read had all finished, but a look still under way can queue a run, and the benchmarker claim it, between
                // that read and the move; so the lease outlasts every minute moved below.
                ["GenieHive:Benchmarks:LeaseSeconds"] = "3600",
            }, time: clock);
            using var client = control.CreateClient();
            await client.RegisterOkAsync(Host("sched-host", Service("sched-embed", ServiceKinds.Embeddings, "sim-embed")));

            // The first look may have come before the service registered, or (on a busy machine) still be under way when
            // the clock moves: move the schedule's clock a minute at a time, while no run is queued or running (as far
            // as the test can tell), until a look has queued both and they finished. Fewer than 20 minutes pass, so
            // neither workload falls due twice here, nor does a lease run out.
            static bool AllFinished(List<BenchmarkRun> runs) => runs.All(r => BenchmarkRunStatuses.IsFinished(r.Status));
            for (var minute = 0; ; minute++)
            {
                var runs = await ScheduledRunsAsync(client);
                if (runs.Count == 2 && AllFinished(runs))
                {
                    break;
                }

                Assert.True(minute < 20, "after 20 looks of the schedule, the scheduled runs are " + string.Join(", ", runs.Select(r => r.Workload + ":" + r.Status)));
                if (AllFinished(runs))
                {
                    clock.Advance(ScheduleLoop.Interval);
                }

                var seen = runs.Count;
                await GenieHive.Tests.Testing.Eventually.WithinAsync(
                    async () => await ScheduledRunsAsync(client) is var now && (now.Count != seen || AllFinished(now) != AllFinished(runs)),
                    GenieHive.Tests.Testing.Eventually.Seconds(3));
            }

            var first = await ScheduledRunsAsync(client);
            Assert.Equal([FaqWorkload, BuiltInWorkloads.EmbeddingsSimilarity], first.Select(r => r.Workload).Order(StringComparer.Ordinal));
            Assert.All(first, r => Assert.Equal(BenchmarkRunStatuses.Completed, r.Status));
            Assert.All(first, r => Assert.Equal("kind", r.TargetType));
            Assert.All(first, r => Assert.Equal("sched-embed", Assert.Single(r.Targets).ServiceId));
            var similarity = first.Single(r => r.Workload == BuiltInWorkloads.EmbeddingsSimilarity);

            // An hour later the half-hourly workload runs again, and the two-hourly one does not.
            clock.Advance(TimeSpan.FromHours(1));
            var hourLater = await EventuallyAsync(() => ScheduledRunsAsync(client),
                runs => runs.Count(r => r.Workload == FaqWorkload && r.Status == BenchmarkRunStatuses.Completed) == 2, seconds: 30);
            Assert.Equal(2, hourLater.Count(r => r.Workload == FaqWorkload));
            Assert.Equal([similarity.Id], hourLater.Where(r => r.Workload == BuiltInWorkloads.EmbeddingsSimilarity).Select(r => r.Id));

            // Past two hours it runs again.
            clock.Advance(TimeSpan.FromHours(1) + ScheduleLoop.Interval);
            var later = await EventuallyAsync(() => ScheduledRunsAsync(client),
                runs => runs.Count(r => r.Workload == BuiltInWorkloads.EmbeddingsSimilarity) == 2, seconds: 30);
            var again = later.Where(r => r.Workload == BuiltInWorkloads.EmbeddingsSimilarity).MaxBy(r => r.CreatedAt)!;
            Assert.NotEqual(similarity.Id, again.Id);
            Assert.True(again.CreatedAt - similarity.CreatedAt >= 2 * 3600, $"ran again after {again.CreatedAt - similarity.CreatedAt} s");
        }
        finally
        {
            File.Delete(workloadsPath);
        }
    }

    [Fact]
    public async Task AServiceThatAppearsOrChangesItsLoadedModelIsBenchmarkedWithTheScheduledWorkloads()
    {
        await using var facade = await StandInFacade.StartAsync();
        await using var control = ControlFactory.StartWithBenchmarker(facade.Url, settings: new Dictionary<string, string?>
        {
            ["GenieHive:Benchmarks:Schedule:0:Workload"] = BuiltInWorkloads.EmbeddingsSimilarity,
            ["GenieHive:Benchmarks:Schedule:0:Kind"] = ServiceKinds.Embeddings,
            ["GenieHive:Benchmarks:Schedule:0:EveryHours"] = "24",
            ["GenieHive:Benchmarks:RunOnServiceChange"] = "true",
        });
        using var client = control.CreateClient();

        await client.RegisterOkAsync(Host("change-host", Service("change-chat"), Service("change-embed", ServiceKinds.Embeddings, "embed-a")));
        var appeared = await EventuallyAsync(() => ChangeRunsAsync(client), runs => runs.Count == 1 && BenchmarkRunStatuses.IsFinished(runs[0].Status), seconds: 30);

        await client.RegisterOkAsync(Host("change-host", Service("change-chat"), Service("change-embed", ServiceKinds.Embeddings, "embed-b")));
        var changed = await EventuallyAsync(() => ChangeRunsAsync(client), runs => runs.Count == 2, seconds: 30);

        var first = Assert.Single(appeared);
        Assert.Equal(BenchmarkRunStatuses.Completed, first.Status);
        Assert.Equal(BuiltInWorkloads.EmbeddingsSimilarity, first.Workload);
        Assert.Equal("service", first.TargetType);
        Assert.Equal("change-embed", first.TargetName);
        Assert.Equal("embed-a", Assert.Single(first.Targets).AssetId);
        Assert.Equal(2, changed.Count);
        Assert.Equal("embed-b", Assert.Single(changed.Single(r => r.Id != first.Id).Targets).AssetId);
        // The chat service matches no scheduled workload.
        Assert.DoesNotContain(changed, r => r.TargetName == "change-chat");
    }

    private static async Task<List<BenchmarkRun>> ScheduledRunsAsync(HttpClient client) =>
        [.. (await ListRunsAsync(client)).Where(r => r.Trigger == BenchmarkRunTriggers.Schedule)];

    private static async Task<List<BenchmarkRun>> ChangeRunsAsync(HttpClient client) =>
        [.. (await ListRunsAsync(client)).Where(r => r.Trigger == BenchmarkRunTriggers.ServiceChange)];

    private static async Task<IReadOnlyList<BenchmarkRun>> ListRunsAsync(HttpClient client) =>
        (await client.GetFromJsonAsync("/v1/cluster/benchmarks/runs?limit=100", Json.ListResponseBenchmarkRun, Ct))!.Data;
}
