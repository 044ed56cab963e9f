using System.Diagnostics;
using System.Net;
using GenieHive.Contracts;

namespace GenieHive.Tests.Facade;

public sealed class RoutingWatchTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ModelRequestsGet503UntilTheFirstTableArrives()
    {
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, []));
        await control.StopAsync();
        await using var facade = await FacadeHost.StartAsync(control, waitForTable: false);

        using var response = await facade.Client.PostAsync("/v1/chat/completions", Requests.JsonBody("""{"model":"x","messages":[]}"""), Ct);
        using var health = await facade.Client.GetAsync("/health", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("routing_table_unavailable", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task ATableChangeIsPickedUpWithinASecond()
    {
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Json(Upstreams.ChatJson));
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [TestTables.Service("svc", upstream.Url, ["old-model"])]));
        await using var facade = await FacadeHost.StartAsync(control);
        // Let the watcher settle into its long poll.
        await Task.Delay(300, Ct);

        var clock = Stopwatch.StartNew();
        control.Publish(TestTables.Table(2, [TestTables.Service("svc", upstream.Url, ["new-model"])]));
        await facade.WaitForVersionAsync(2, seconds: 5);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), "Picked up after " + clock.Elapsed.TotalMilliseconds + " ms.");
        using var response = await facade.Client.PostAsync("/v1/chat/completions", Requests.JsonBody("""{"model":"new-model","messages":[]}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task RoutingContinuesWhileControlIsDownAndResumesWhenItReturns()
    {
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Json(Upstreams.ChatJson));
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [TestTables.Service("svc", upstream.Url, ["llama"])]));
        await using var facade = await FacadeHost.StartAsync(control);

        await control.StopAsync();
        for (var i = 0; i < 5; i++)
        {
            using var response = await facade.Client.PostAsync("/v1/chat/completions", Requests.JsonBody("""{"model":"llama","messages":[]}"""), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await Task.Delay(100, Ct);
        }

        // Control comes back with a new table (a restarted Control may even count versions anew).
        control.Publish(TestTables.Table(1, [TestTables.Service("svc", upstream.Url, ["llama", "mistral"])]) with { GeneratedAt = TestTables.Now + 1 });
        await control.RestartAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (facade.Routing.Current?.Find("mistral", ServiceKinds.Chat) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "The facade did not pick up the table after Control returned. Its log:\n" + string.Join("\n", facade.Logs));
            await Task.Delay(50, Ct);
        }
    }

    [Fact]
    public async Task AfterAFailedPollTheWholeTableIsFetchedAgainEvenAtTheSameVersion()
    {
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Json(Upstreams.ChatJson));
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [TestTables.Service("svc", upstream.Url, ["llama"])]));
        await using var facade = await FacadeHost.StartAsync(control, new Dictionary<string, string?> { ["GenieHive:RequestRouting:WatchWaitSeconds"] = "1" });

        // One failed poll, then a table under the version the facade holds: only asking for the whole table (no
        // version) finds it, and the watcher does that only if it saw the failure (no retry hid it).
        control.RestartWithoutNotice(TestTables.Table(1, [TestTables.Service("svc", upstream.Url, ["llama", "mistral"])]) with { GeneratedAt = TestTables.Now + 1 }, failedPolls: 1);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (facade.Routing.Current?.Find("mistral", ServiceKinds.Chat) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "The facade did not fetch the whole table after a failed poll. Its log:\n" + string.Join("\n", facade.Logs));
            await Task.Delay(50, Ct);
        }
    }

    [Fact]
    public async Task ObservationsAreReportedToControl()
    {
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Sse(
        [
            Upstreams.Chunk("a"), Upstreams.Chunk("b"), Upstreams.Chunk("c"),
            "data: {\"choices\":[],\"usage\":{\"completion_tokens\":3}}\n\n", "data: [DONE]\n\n",
        ]));
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [TestTables.Service("svc", upstream.Url, ["llama"])]));
        await using var facade = await FacadeHost.StartAsync(control);

        for (var i = 0; i < 3; i++)
        {
            using var response = await facade.Client.PostAsync("/v1/chat/completions", Requests.JsonBody("""{"model":"llama","messages":[],"stream":true}"""), Ct);
            await response.Content.ReadAsStringAsync(Ct);
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        GenieHive.Contracts.Observations.ServiceObservation? seen = null;
        while (seen is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "No observation with three requests was reported.");
            seen = control.Reports.SelectMany(r => r.Services).FirstOrDefault(s => s.ServiceId == "svc" && s.Requests == 3);
            await Task.Delay(20, Ct);
        }

        Assert.StartsWith("facade-", control.Reports.First().ReporterId, StringComparison.Ordinal);
        Assert.Equal(0, seen.Errors);
        Assert.Equal(0, seen.InFlight);
        Assert.NotNull(seen.P50LatencyMs);
        Assert.NotNull(seen.P95LatencyMs);
        Assert.NotNull(seen.TtftMs);
        Assert.True(seen.TtftMs <= seen.P95LatencyMs);
        Assert.Null(seen.CooldownUntil);
    }
}
