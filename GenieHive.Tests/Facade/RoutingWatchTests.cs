using System.Diagnostics;
using System.Net;
using GenieHive.Contracts;
using GenieHive.Tests.Testing;

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
        // The watcher has its table and waits in a long poll: what follows times the change alone.
        await Eventually.UntilAsync(() => control.WaitingPolls > 0, "the facade's watcher to wait in a long poll", TimeSpan.FromSeconds(5));

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
            // Spread over half a second on purpose (not a wait for state): the facade keeps routing while polls fail.
            await Task.Delay(100, Ct);
        }

        // Control comes back with a new table (a restarted Control may even count versions anew).
        control.Publish(TestTables.Table(1, [TestTables.Service("svc", upstream.Url, ["llama", "mistral"])]) with { GeneratedAt = TestTables.Now + 1 });
        await control.RestartAsync();
        await Eventually.UntilAsync(
            () => facade.Routing.Current?.Find("mistral", ServiceKinds.Chat) is not null,
            "the facade to pick up the table after Control returned",
            TimeSpan.FromSeconds(20),
            () => "Its log:\n" + string.Join("\n", facade.Logs));
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

        await Eventually.UntilAsync(
            () => facade.Routing.Current?.Find("mistral", ServiceKinds.Chat) is not null,
            "the facade to fetch the whole table after a failed poll",
            TimeSpan.FromSeconds(10),
            () => "Its log:\n" + string.Join("\n", facade.Logs));
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

        await Eventually.UntilAsync(
            () => control.Reports.SelectMany(r => r.Services).Any(s => s.ServiceId == "svc" && s.Requests == 3),
            "an observation of the three requests to be reported",
            TimeSpan.FromSeconds(10));
        var seen = control.Reports.SelectMany(r => r.Services).First(s => s.ServiceId == "svc" && s.Requests == 3);

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
