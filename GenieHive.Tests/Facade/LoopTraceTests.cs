using System.Diagnostics;
using System.Net;
using GenieHive.Tests.Control;
using GenieHive.Tests.ServiceDefaults;

namespace GenieHive.Tests.Facade;

/// <summary>Issue 19, quieter traces: the facade's routing watch and observation reports are traced only when they change something or fail.</summary>
public sealed class LoopTraceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<IReadOnlyList<Activity>> TicksAsync(Func<IReadOnlyList<Activity>> ticks, Func<IReadOnlyList<Activity>, bool> until) =>
        ControlTestData.EventuallyAsync(() => Task.FromResult(ticks()), until, seconds: 15);

    [Fact]
    public async Task ARoutingPollIsTracedWhenItAppliesATableOrFailsAndNotWhenNothingChanged()
    {
        using var ticks = new SpanRecorder();
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, []));
        await using var facade = await FacadeHost.StartAsync(control, new Dictionary<string, string?> { ["GenieHive:RequestRouting:WatchWaitSeconds"] = "1" });
        IReadOnlyList<Activity> Polls() => ticks.SpansCalling("facade.routing.watch", control.Url);
        static bool Applied(Activity poll, long version) => poll.Recorded && Equals(poll.GetTagItem("geniehive.routing.version"), version);

        var polls = await TicksAsync(Polls, polls => polls.Any(poll => Applied(poll, 1)) && polls.Count >= 3);
        Assert.All(polls.Where(poll => !Applied(poll, 1)), poll => Assert.False(poll.Recorded, "a poll that brought nothing new was kept"));

        control.Publish(TestTables.Table(2, []));
        await facade.WaitForVersionAsync(2);
        await TicksAsync(Polls, polls => polls.Any(poll => Applied(poll, 2)));

        await control.StopAsync();
        var failed = (await TicksAsync(Polls, polls => polls.Any(poll => poll.Status == ActivityStatusCode.Error))).First(poll => poll.Status == ActivityStatusCode.Error);
        Assert.True(failed.Recorded, "a poll that failed was not kept");
    }

    [Fact]
    public async Task AnObservationReportIsTracedOnlyWhenControlDoesNotTakeIt()
    {
        using var ticks = new SpanRecorder();
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Json(Upstreams.ChatJson));
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [TestTables.Service("reported", upstream.Url, ["llama"])]));
        await using var facade = await FacadeHost.StartAsync(control);
        using var response = await facade.Client.PostAsync("/v1/chat/completions",
            Requests.JsonBody("""{"model":"llama","messages":[{"role":"user","content":"x"}]}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        IReadOnlyList<Activity> Reports() => ticks.SpansCalling("facade.observations.report", control.Url);

        var taken = await TicksAsync(Reports, reports => reports.Count >= 2);
        Assert.All(taken, report => Assert.False(report.Recorded, "a report Control took was kept"));

        await control.StopAsync();
        var failed = (await TicksAsync(Reports, reports => reports.Any(report => report.Recorded))).First(report => report.Recorded);
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
    }
}
