using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Contracts.Observations;
using GenieHive.Tests.Testing;
using Microsoft.AspNetCore.Http;

namespace GenieHive.Tests.Facade;

public sealed class FailoverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A loopback URL on which nothing listens.</summary>
    /// <summary>Two services behind one role; the first (better score by latency) is the one that fails.</summary>
    private static async Task<(FakeControl Control, FacadeHost Facade)> StartAsync(string firstUrl, string secondUrl, Dictionary<string, string?>? settings = null)
    {
        var table = TestTables.Table(1,
            [
                TestTables.Service("first", firstUrl, ["llama"], p50: 100),
                TestTables.Service("second", secondUrl, ["llama"], host: "h2", p50: 9000),
            ],
            [TestTables.Role("worker")]);
        var control = await FakeControl.StartAsync(table);
        return (control, await FacadeHost.StartAsync(control, settings));
    }

    private static StringContent Chat(bool stream = false) =>
        Requests.JsonBody("""{"model":"worker","messages":[{"role":"user","content":"x"}],"stream":""" + (stream ? "true" : "false") + "}");

    private static async Task<ServiceObservation> ObservedAsync(FakeControl control, string serviceId, Func<ServiceObservation, bool> until) =>
        (await Eventually.ValueAsync(
            () => Task.FromResult(control.Reports.Reverse().SelectMany(r => r.Services).FirstOrDefault(s => s.ServiceId == serviceId && until(s))),
            match => match is not null,
            "a matching observation for " + serviceId,
            TimeSpan.FromSeconds(10)))!;

    [Fact]
    public async Task ConnectionRefusedFailsOverAndCoolsTheServiceDown()
    {
        await using var second = await FakeUpstream.StartAsync(Upstreams.Json(Upstreams.ChatJson));
        var (control, facade) = await StartAsync(Upstreams.ClosedPortUrl(), second.Url);
        await using var _ = control;
        await using var __ = facade;

        using var response = await facade.Client.PostAsync("/v1/chat/completions", Chat(), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("second", response.Headers.GetValues(GenieHiveHeaders.ServiceId).Single());
        var cooled = await ObservedAsync(control, "first", s => s.CooldownUntil is not null);
        Assert.Equal("connect_failed", cooled.CooldownReason);
        Assert.Equal(1, cooled.ConsecutiveFailures);
        Assert.Equal(1, cooled.Errors);

        // While it cools down, the failed service is not even tried.
        using var again = await facade.Client.PostAsync("/v1/chat/completions", Chat(), Ct);
        Assert.Equal("second", again.Headers.GetValues(GenieHiveHeaders.ServiceId).Single());
    }

    [Fact]
    public async Task ServerErrorBeforeTheFirstByteFailsOver()
    {
        await using var first = await FakeUpstream.StartAsync(Upstreams.Json("""{"error":{"message":"boom","type":"server_error"}}""", status: 500));
        await using var second = await FakeUpstream.StartAsync(Upstreams.Sse([Upstreams.Chunk("ok"), "data: [DONE]\n\n"]));
        var (control, facade) = await StartAsync(first.Url, second.Url);
        await using var _ = control;
        await using var __ = facade;

        using var response = await facade.Client.PostAsync("/v1/chat/completions", Chat(stream: true), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Upstreams.Chunk("ok") + "data: [DONE]\n\n", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1, first.RequestCount);
        var cooled = await ObservedAsync(control, "first", s => s.CooldownUntil is not null);
        Assert.Equal("upstream_5xx", cooled.CooldownReason);
    }

    [Fact]
    public async Task LastUpstreamServerErrorIsRelayedWhenEveryTargetFails()
    {
        await using var first = await FakeUpstream.StartAsync(Upstreams.Json("overloaded", status: 503, contentType: "text/plain"));
        await using var second = await FakeUpstream.StartAsync(Upstreams.Json("""{"error":{"message":"out of memory","type":"server_error"}}""", status: 500));
        var (control, facade) = await StartAsync(first.Url, second.Url);
        await using var _ = control;
        await using var __ = facade;

        using var response = await facade.Client.PostAsync("/v1/chat/completions", Chat(), Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("""{"error":{"message":"out of memory","type":"server_error"}}""", await response.Content.ReadAsStringAsync(Ct));

        // Both now cool down: the role has targets but none may be tried, and the client learns when to come back.
        using var cooling = await facade.Client.PostAsync("/v1/chat/completions", Chat(), Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, cooling.StatusCode);
        Assert.True(cooling.Headers.RetryAfter!.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task RateLimitedServiceCoolsDownForRetryAfter()
    {
        await using var first = await FakeUpstream.StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = "30";
            await context.Response.WriteAsync("""{"error":{"message":"slow down","type":"rate_limit"}}""", context.RequestAborted);
        });
        await using var second = await FakeUpstream.StartAsync(Upstreams.Json(Upstreams.ChatJson));
        var (control, facade) = await StartAsync(first.Url, second.Url);
        await using var _ = control;
        await using var __ = facade;

        using var response = await facade.Client.PostAsync("/v1/chat/completions", Chat(), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cooled = await ObservedAsync(control, "first", s => s.CooldownUntil is not null);
        Assert.Equal("rate_limited", cooled.CooldownReason);
        Assert.InRange(cooled.CooldownUntil!.Value - TestTables.Now, 25, 31);
    }

    [Fact]
    public async Task AllTargetsUnreachableGives502()
    {
        var (control, facade) = await StartAsync(Upstreams.ClosedPortUrl(), Upstreams.ClosedPortUrl());
        await using var _ = control;
        await using var __ = facade;

        using var response = await facade.Client.PostAsync("/v1/chat/completions", Chat(), Ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_unreachable", JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task StalledUpstreamGives504AfterTheFirstByteTimeout()
    {
        await using var stalled = await FakeUpstream.StartAsync(async (context, _) => await Task.Delay(Timeout.Infinite, context.RequestAborted));
        var table = TestTables.Table(1, [TestTables.Service("slow", stalled.Url, ["llama"])]);
        await using var control = await FakeControl.StartAsync(table);
        await using var facade = await FacadeHost.StartAsync(control, new Dictionary<string, string?> { ["GenieHive:Proxy:FirstByteTimeoutSeconds"] = "0.5" });

        using var response = await facade.Client.PostAsync("/v1/chat/completions", Requests.JsonBody("""{"model":"llama","messages":[]}"""), Ct);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("upstream_timeout", JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!["code"]!.GetValue<string>());
        await stalled.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
    }

    [Fact]
    public async Task FailureMidStreamEndsWithAnSseErrorEvent()
    {
        var clientSawFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var dying = await FakeUpstream.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(Upstreams.Chunk("partial"), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await clientSawFirst.Task.WaitAsync(TimeSpan.FromSeconds(10), context.RequestAborted);
            await context.Response.WriteAsync("data: {\"choices\":[{\"delta\":", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            context.Abort();
        });
        await using var other = await FakeUpstream.StartAsync(Upstreams.Json(Upstreams.ChatJson));
        var (control, facade) = await StartAsync(dying.Url, other.Url);
        await using var _ = control;
        await using var __ = facade;

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Chat(stream: true) };
        using var response = await facade.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        var first = await reader.ReadLineAsync(Ct);
        clientSawFirst.SetResult();
        var (rest, ended) = await ReadUntilEndAsync(reader).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var body = first + "\n" + rest;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith(Upstreams.Chunk("partial") + "data: {\"error\":", body, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"upstream_stream_interrupted\"", body, StringComparison.Ordinal);
        Assert.EndsWith("\n\n", body, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", body, StringComparison.Ordinal);
        // The body lacks its terminating chunk, so clients that ignore the error event still see it is incomplete.
        Assert.IsType<HttpIOException>(ended);
        Assert.Equal(0, other.RequestCount);
    }

    [Fact]
    public async Task ClientDisconnectCancelsTheUpstreamRequest()
    {
        var firstSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await FakeUpstream.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(Upstreams.Chunk("a"), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            firstSent.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        var table = TestTables.Table(1, [TestTables.Service("svc", upstream.Url, ["llama"])]);
        await using var control = await FakeControl.StartAsync(table);
        await using var facade = await FacadeHost.StartAsync(control);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        // No draining on dispose: the client closes its connection at once, as a user hitting stop would.
        using var client = new HttpClient(new SocketsHttpHandler { ResponseDrainTimeout = TimeSpan.Zero, MaxResponseDrainSize = 0 })
        {
            BaseAddress = new Uri(facade.Url),
        };
        client.DefaultRequestHeaders.Add("X-Api-Key", FacadeHost.Key);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Requests.JsonBody("""{"model":"llama","messages":[],"stream":true}""") };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var stream = await response.Content.ReadAsStreamAsync(cts.Token);
        var buffer = new byte[1024];
        Assert.True(await stream.ReadAsync(buffer, cts.Token) > 0);
        await firstSent.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);

        var started = System.Diagnostics.Stopwatch.StartNew();
        response.Dispose();
        await upstream.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);

        Assert.True(started.Elapsed < TimeSpan.FromMilliseconds(500), "The upstream learned of the disconnect after " + started.Elapsed.TotalMilliseconds + " ms.");
        var tracker = (GenieHive.Facade.Observations.ServiceLoadTracker)facade.Services.GetService(typeof(GenieHive.Facade.Observations.ServiceLoadTracker))!;
        await Eventually.UntilAsync(() => tracker.InFlight("svc") == 0, "the abandoned request to leave the in-flight count", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task StreamIdleTimeoutEndsTheStreamWithAnErrorEvent()
    {
        await using var upstream = await FakeUpstream.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(Upstreams.Chunk("a")), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        var table = TestTables.Table(1, [TestTables.Service("svc", upstream.Url, ["llama"])]);
        await using var control = await FakeControl.StartAsync(table);
        await using var facade = await FacadeHost.StartAsync(control, new Dictionary<string, string?> { ["GenieHive:Proxy:StreamIdleTimeoutSeconds"] = "0.5" });

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Requests.JsonBody("""{"model":"llama","messages":[],"stream":true}""") };
        using var response = await facade.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        var (body, ended) = await ReadUntilEndAsync(reader).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        Assert.StartsWith(Upstreams.Chunk("a") + "data: {\"error\":", body, StringComparison.Ordinal);
        Assert.Contains("upstream_stream_interrupted", body, StringComparison.Ordinal);
        Assert.IsType<HttpIOException>(ended);
        await upstream.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
    }

    /// <summary>Reads what arrives until the body ends; returns it and the exception that ended it (null: a clean end).</summary>
    private static async Task<(string Text, Exception? Ended)> ReadUntilEndAsync(StreamReader reader)
    {
        var text = new StringBuilder();
        var buffer = new char[1024];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer, Ct)) > 0)
            {
                text.Append(buffer, 0, read);
            }

            return (text.ToString(), null);
        }
        catch (IOException ex)
        {
            return (text.ToString(), ex);
        }
    }
}
