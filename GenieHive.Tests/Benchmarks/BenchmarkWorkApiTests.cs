using System.Net;
using System.Net.Http.Json;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Control.Benchmarks.Runs;
using GenieHive.Control.Benchmarks.Workloads;
using GenieHive.Tests.Control;
using static GenieHive.Tests.Control.ControlTestData;

namespace GenieHive.Tests.Benchmarks;

/// <summary>
/// Control's side of the benchmarker (<c>/v1/cluster/benchmarks/runs/claim</c> and the reports), with the test in the
/// benchmarker's place: Control holds every run's state, judges the cases, and tells a benchmarker to stop.
/// </summary>
public sealed class BenchmarkWorkApiTests
{
    private static readonly GenieHiveJsonContext Json = GenieHiveJsonContext.Default;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AClaimTakesTheOldestQueuedRunLeasedWithTheRequestsOfItsCases()
    {
        await using var control = new ControlFactory();
        using var client = await WithEmbeddingsServiceAsync(control);
        var first = await StartAsync(client, Repetitions: 2);
        var second = await StartAsync(client);

        var claim = await ClaimAsync(client, "bench-worker");

        Assert.Equal(first.Id, claim.Run.Id);
        Assert.Equal(BenchmarkRunStatuses.Running, claim.Run.Status);
        Assert.Equal("bench-worker", claim.Run.Worker);
        Assert.Equal(30, claim.LeaseSeconds);
        Assert.Equal(claim.Run.StartedAt + 30, claim.Run.LeaseExpiresAt);
        Assert.Equal(Enumerable.Range(0, 6), claim.Cases.Select(c => c.Index));
        Assert.Equal([1, 1, 1, 2, 2, 2], claim.Cases.Select(c => c.Repetition));
        Assert.All(claim.Cases, c => Assert.Equal(3, c.Body["input"]!.AsArray().Count));
        Assert.All(claim.Cases, c => Assert.False(c.Body.ContainsKey("model")));
        Assert.Equal(second.Id, (await ClaimAsync(client)).Run.Id);
        Assert.Equal(BenchmarkRunStatuses.Running, (await GetAsync(client, first.Id)).Status);
    }

    [Fact]
    public async Task AWaitingClaimIsAnsweredWhenARunIsQueuedAndWith204WhenNoneCame()
    {
        await using var control = new ControlFactory();
        using var client = await WithEmbeddingsServiceAsync(control);

        using var empty = await client.PostAsJsonAsync("/v1/cluster/benchmarks/runs/claim", new BenchmarkClaimRequest { WaitSeconds = 1 }, Json.BenchmarkClaimRequest, Ct);
        var waiting = client.PostAsJsonAsync("/v1/cluster/benchmarks/runs/claim", new BenchmarkClaimRequest { WaitSeconds = 20 }, Json.BenchmarkClaimRequest, Ct);
        var queued = await StartAsync(client);
        using var woken = await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.Equal(HttpStatusCode.NoContent, empty.StatusCode);
        Assert.Equal(HttpStatusCode.OK, woken.StatusCode);
        Assert.Equal(queued.Id, (await woken.Content.ReadFromJsonAsync(Json.BenchmarkRunClaim, Ct))!.Run.Id);
    }

    [Fact]
    public async Task CasesAreJudgedAndRecordedOnceAndAFinishedServiceStoresItsSample()
    {
        await using var control = new ControlFactory();
        using var client = await WithEmbeddingsServiceAsync(control);
        var run = (await ClaimAsync(client, run: await StartAsync(client))).Run;
        var target = Url(run, "work-embed");
        (await client.PostAsync(target + "/start", null, Ct)).EnsureSuccessStatusCode();

        using var passed = await ReportCaseAsync(client, target, 0, Ordered(latencyMs: 12));
        using var again = await ReportCaseAsync(client, target, 0, Ordered(latencyMs: 99));
        using var gap = await ReportCaseAsync(client, target, 2, Ordered(latencyMs: 12));
        using var noSuchCase = await ReportCaseAsync(client, target, 3, Ordered(latencyMs: 12));
        using var misordered = await ReportCaseAsync(client, target, 1, Ordered(latencyMs: 14, closeToUnrelated: true));
        using var failed = await ReportCaseAsync(client, target, 2, BenchmarkCaseMeasurement.Failed("timed out after 60 s", 60_000));
        using var finish = await client.PostAsJsonAsync(target + "/finish", new BenchmarkTargetFinish(), Json.BenchmarkTargetFinish, Ct);
        using var finishRun = await client.PostAsJsonAsync($"/v1/cluster/benchmarks/runs/{run.Id}/finish", new BenchmarkRunFinish(), Json.BenchmarkRunFinish, Ct);

        Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, gap.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noSuchCase.StatusCode);
        Assert.Equal("index", (await noSuchCase.JsonAsync())["field"]!.GetValue<string>());
        var measured = (await finish.Content.ReadFromJsonAsync(Json.BenchmarkRunTarget, Ct))!;
        Assert.Equal(BenchmarkRunStatuses.Completed, measured.Status);
        Assert.Equal([true, false, false], measured.Cases.Select(c => c.Passed));
        Assert.Equal(12, measured.Cases[0].LatencyMs);
        Assert.Equal("timed out after 60 s", measured.Cases[2].Detail);
        Assert.Equal(0.3333, measured.Results![BenchmarkResultFields.PassRate]!.GetValue<double>());
        Assert.Equal(BenchmarkRunStatuses.Completed, (await finishRun.Content.ReadFromJsonAsync(Json.BenchmarkRun, Ct))!.Status);
        var sample = Assert.Single((await client.GetFromJsonAsync("/v1/cluster/benchmarks?service_id=work-embed", Json.ListResponseBenchmarkSample, Ct))!.Data);
        Assert.Equal(measured.BenchmarkId, sample.BenchmarkId);
        Assert.Equal(run.Id, sample.Results[BenchmarkResultFields.RunId]!.GetValue<string>());
    }

    [Fact]
    public async Task ACancelledRunTellsItsBenchmarkerToStopAndStoresNoSample()
    {
        await using var control = new ControlFactory();
        using var client = await WithEmbeddingsServiceAsync(control);
        var run = (await ClaimAsync(client, run: await StartAsync(client))).Run;
        var target = Url(run, "work-embed");
        (await client.PostAsync(target + "/start", null, Ct)).EnsureSuccessStatusCode();
        (await ReportCaseAsync(client, target, 0, Ordered(latencyMs: 12))).EnsureSuccessStatusCode();

        using var cancel = await client.DeleteAsync("/v1/cluster/benchmarks/runs/" + run.Id, Ct);
        using var lease = await client.PostAsync($"/v1/cluster/benchmarks/runs/{run.Id}/lease", null, Ct);
        using var report = await ReportCaseAsync(client, target, 1, Ordered(latencyMs: 12));
        using var finish = await client.PostAsJsonAsync(target + "/finish", new BenchmarkTargetFinish(), Json.BenchmarkTargetFinish, Ct);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.All([lease, report, finish], response => Assert.Equal(HttpStatusCode.Conflict, response.StatusCode));
        Assert.Equal(BenchmarkRunStatuses.Cancelled, (await lease.JsonAsync())["run_status"]!.GetValue<string>());
        using var cancelAgain = await client.DeleteAsync("/v1/cluster/benchmarks/runs/" + run.Id, Ct);
        Assert.Equal(HttpStatusCode.Conflict, cancelAgain.StatusCode);
        Assert.Equal(BenchmarkRunStatuses.Cancelled, (await cancelAgain.JsonAsync())["run_status"]!.GetValue<string>());
        var cancelled = await GetAsync(client, run.Id);
        Assert.Equal(RunOutcomes.CancelledByOperator, cancelled.Error);
        Assert.Equal(1, cancelled.Targets.Single().CasesDone);
        Assert.Empty((await client.GetFromJsonAsync("/v1/cluster/benchmarks?service_id=work-embed", Json.ListResponseBenchmarkSample, Ct))!.Data);
    }

    [Fact]
    public async Task ARunWhoseBenchmarkerStopsReportingFailsWhenItsLeaseRunsOut()
    {
        await using var control = new ControlFactory(settings: new Dictionary<string, string?> { ["GenieHive:Benchmarks:LeaseSeconds"] = "1" });
        using var client = await WithEmbeddingsServiceAsync(control);
        var run = (await ClaimAsync(client, run: await StartAsync(client))).Run;

        var failed = await EventuallyAsync(() => GetAsync(client, run.Id), r => BenchmarkRunStatuses.IsFinished(r.Status), seconds: 15);

        Assert.Equal(BenchmarkRunStatuses.Failed, failed.Status);
        Assert.Equal(RunOutcomes.WorkerSilent(1), failed.Error);
        Assert.Equal(BenchmarkRunStatuses.Failed, failed.Targets.Single().Status);
        using var late = await client.PostAsync($"/v1/cluster/benchmarks/runs/{run.Id}/lease", null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }

    [Theory]
    [InlineData("/v1/cluster/benchmarks/runs/claim", "POST", """{"wait_seconds":-1}""", "wait_seconds")]
    [InlineData("/v1/cluster/benchmarks/runs/{id}/targets/work-embed/cases/0", "PUT", """{"answered":true,"latency_ms":-1}""", "latency_ms")]
    [InlineData("/v1/cluster/benchmarks/runs/{id}/targets/work-embed/cases/0", "PUT", """{"answered":true,"latency_ms":5,"prompt_tokens":-3}""", "prompt_tokens")]
    [InlineData("/v1/cluster/benchmarks/runs/{id}/finish", "POST", """{"time_bound_seconds":-5}""", "time_bound_seconds")]
    [InlineData("/v1/cluster/benchmarks/schedule/7/runs", "POST", "{}", "index")]
    public async Task BadReportsAreRefusedNamingTheField(string path, string method, string json, string field)
    {
        await using var control = new ControlFactory();
        using var client = await WithEmbeddingsServiceAsync(control);
        var run = (await ClaimAsync(client, run: await StartAsync(client))).Run;

        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{id}", run.Id, StringComparison.Ordinal)) { Content = JsonContent(json) };
        using var response = await client.SendAsync(request, Ct);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{(int)response.StatusCode}");
        Assert.Equal(field, (await response.JsonAsync())["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheScheduleListsEachEntryWithItsLatestScheduledRun()
    {
        await using var control = new ControlFactory(settings: new Dictionary<string, string?>
        {
            ["GenieHive:Benchmarks:Schedule:0:Workload"] = BuiltInWorkloads.EmbeddingsSimilarity,
            ["GenieHive:Benchmarks:Schedule:0:Kind"] = ServiceKinds.Embeddings,
            ["GenieHive:Benchmarks:Schedule:0:EveryHours"] = "6",
            ["GenieHive:Benchmarks:Schedule:1:Workload"] = BuiltInWorkloads.ShortReasoning,
            ["GenieHive:Benchmarks:Schedule:1:Role"] = "nobody",
        });
        using var client = await WithEmbeddingsServiceAsync(control);

        var before = (await client.GetFromJsonAsync("/v1/cluster/benchmarks/schedule", Json.BenchmarkSchedule, Ct))!;
        using var queued = await client.PostAsJsonAsync("/v1/cluster/benchmarks/schedule/0/runs", new BenchmarkScheduleRunRequest(), Json.BenchmarkScheduleRunRequest, Ct);
        using var noRole = await client.PostAsJsonAsync("/v1/cluster/benchmarks/schedule/1/runs", new BenchmarkScheduleRunRequest(), Json.BenchmarkScheduleRunRequest, Ct);
        using var forService = await client.PostAsJsonAsync("/v1/cluster/benchmarks/schedule/0/runs", new BenchmarkScheduleRunRequest { ServiceId = "work-embed" }, Json.BenchmarkScheduleRunRequest, Ct);
        var after = (await client.GetFromJsonAsync("/v1/cluster/benchmarks/schedule", Json.BenchmarkSchedule, Ct))!;

        Assert.False(before.RunOnServiceChange);
        Assert.Equal([0, 1], before.Entries.Select(e => e.Index));
        Assert.All(before.Entries, e => Assert.Null(e.LastRun));
        Assert.Equal(ServiceKinds.Embeddings, before.Entries[0].WorkloadKind);
        Assert.Equal("nobody", before.Entries[1].Role);
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var scheduled = (await queued.Content.ReadFromJsonAsync(Json.BenchmarkRun, Ct))!;
        Assert.Equal(BenchmarkRunTriggers.Schedule, scheduled.Trigger);
        Assert.Equal(HttpStatusCode.NotFound, noRole.StatusCode);
        Assert.Equal("role", (await noRole.JsonAsync())["field"]!.GetValue<string>());
        var changed = (await forService.Content.ReadFromJsonAsync(Json.BenchmarkRun, Ct))!;
        Assert.Equal((BenchmarkRunTriggers.ServiceChange, "service", "work-embed"), (changed.Trigger, changed.TargetType, changed.TargetName));
        Assert.Equal(new BenchmarkRunSummary(scheduled.Id, BenchmarkRunStatuses.Queued, scheduled.CreatedAt), after.Entries[0].LastRun);
    }

    private static async Task<HttpClient> WithEmbeddingsServiceAsync(ControlFactory control)
    {
        var client = control.CreateClient();
        await client.RegisterOkAsync(Host("work-host", Service("work-embed", ServiceKinds.Embeddings, "sim-embed")));
        return client;
    }

    private static async Task<BenchmarkRun> StartAsync(HttpClient client, int Repetitions = 1)
    {
        using var response = await client.PostAsJsonAsync("/v1/cluster/benchmarks/runs",
            new BenchmarkRunRequest { Workload = BuiltInWorkloads.EmbeddingsSimilarity, ServiceId = "work-embed", Repetitions = Repetitions }, Json.BenchmarkRunRequest, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(Json.BenchmarkRun, Ct))!;
    }

    private static async Task<BenchmarkRunClaim> ClaimAsync(HttpClient client, string? worker = null, BenchmarkRun? run = null)
    {
        using var response = await client.PostAsJsonAsync("/v1/cluster/benchmarks/runs/claim", new BenchmarkClaimRequest { Worker = worker }, Json.BenchmarkClaimRequest, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var claim = (await response.Content.ReadFromJsonAsync(Json.BenchmarkRunClaim, Ct))!;
        Assert.True(run is null || claim.Run.Id == run.Id);
        return claim;
    }

    private static async Task<BenchmarkRun> GetAsync(HttpClient client, string id) =>
        (await client.GetFromJsonAsync("/v1/cluster/benchmarks/runs/" + id, Json.BenchmarkRun, Ct))!;

    private static string Url(BenchmarkRun run, string serviceId) => $"/v1/cluster/benchmarks/runs/{run.Id}/targets/{serviceId}";

    private static Task<HttpResponseMessage> ReportCaseAsync(HttpClient client, string target, int index, BenchmarkCaseMeasurement measurement) =>
        client.PutAsJsonAsync($"{target}/cases/{index}", measurement, Json.BenchmarkCaseMeasurement, Ct);

    /// <summary>Three embeddings, the paraphrase closest to the anchor (or, to fail the check, the unrelated text).</summary>
    private static BenchmarkCaseMeasurement Ordered(double latencyMs, bool closeToUnrelated = false) => new()
    {
        Answered = true,
        LatencyMs = latencyMs,
        PromptTokens = 9,
        Vectors = closeToUnrelated ? [[1, 0, 0], [0, 0, 1], [0.9f, 0.1f, 0]] : [[1, 0, 0], [0.9f, 0.1f, 0], [0, 0, 1]],
    };
}
