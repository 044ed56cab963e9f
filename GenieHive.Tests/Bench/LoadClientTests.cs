using System.Diagnostics;
using System.Net;
using GenieHive.Bench.Load.Http;
using GenieHive.Bench.Load.Scenarios;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace GenieHive.Tests.Bench;

/// <summary>The harness's HTTP/1.1 client against a real Kestrel server: JSON answers and chunked SSE.</summary>
public sealed class LoadClientTests : IAsyncLifetime
{
    private const int EngineTtftMs = 40;

    private WebApplication _app = null!;
    private IPEndPoint _endPoint = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/json", () => Results.Text("{\"choices\":[{\"message\":{\"content\":\"hi\"}}]}", "application/json"));
        _app.MapPost("/sse", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":null}}]}\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);

            // An engine's time to first token: the first content must be timed after it, not at the headers.
            await Task.Delay(EngineTtftMs, context.RequestAborted);
            for (var i = 0; i < 3; i++)
            {
                await context.Response.WriteAsync("data: {\"choices\":[{\"delta\":{\"content\":\"tok\"}}]}\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }

            await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
        });
        await _app.StartAsync(TestContext.Current.CancellationToken);
        var uri = new Uri(_app.Urls.First());
        _endPoint = new IPEndPoint(IPAddress.Loopback, uri.Port);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task JsonResponsesAreReadWholeOnOneKeptAliveConnection()
    {
        var ct = TestContext.Current.CancellationToken;
        var request = RequestBytes.PostJson(_endPoint, "/json", "key", "{}");
        using var connection = await HttpConnection.OpenAsync(_endPoint, ct).WaitAsync(TimeSpan.FromSeconds(10), ct);

        for (var i = 0; i < 3; i++)
        {
            var exchange = await connection.SendAsync(request, watchFirstContent: false, ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), ct);

            Assert.Equal(200, exchange.Status);
            Assert.True(exchange.KeepAlive);
            Assert.Equal(42, exchange.BodyBytes);
            Assert.True(exchange.Ended >= exchange.HeadersAt && exchange.HeadersAt >= exchange.Started);
        }
    }

    [Fact]
    public async Task StreamsAreDechunkedAndFirstContentIsTimedAfterTheEngineDelay()
    {
        var ct = TestContext.Current.CancellationToken;
        var request = RequestBytes.PostJson(_endPoint, "/sse", "key", "{\"stream\":true}");
        using var connection = await HttpConnection.OpenAsync(_endPoint, ct).WaitAsync(TimeSpan.FromSeconds(10), ct);
        var notified = 0;

        var exchange = await connection.SendAsync(request, watchFirstContent: true, ct, () => notified++).AsTask().WaitAsync(TimeSpan.FromSeconds(10), ct);

        Assert.Equal(200, exchange.Status);
        Assert.Equal(1, notified);
        Assert.NotEqual(0, exchange.FirstContentAt);
        Assert.True(exchange.FirstContentTicks >= Stopwatch.Frequency * (EngineTtftMs - 5) / 1000, "first content came before the engine produced it");
        Assert.True(exchange.Ended >= exchange.FirstContentAt);
        var expected = 67 + (3 * 49) + 14;
        Assert.Equal(expected, exchange.BodyBytes);
    }

    [Fact]
    public async Task ClosedLoopCountsExactlyTheRequestsAskedFor()
    {
        var ct = TestContext.Current.CancellationToken;
        var target = new Target("fake", _endPoint, RequestBytes.PostJson(_endPoint, "/json", "key", "{}"), Streaming: false);
        var now = Stopwatch.GetTimestamp();

        var result = await ClosedLoop.RunAsync(target, 4, now, now + (30 * Stopwatch.Frequency), 200, warmupRequests: 5, ct).WaitAsync(TimeSpan.FromSeconds(40), ct);

        Assert.Equal(200, result.Completed);
        Assert.Equal(0, result.Errors);
        Assert.True(result.Latency.Summarize().P50 > 0);
    }

    [Fact]
    public async Task InterleavedLoopTakesThePathsInTurnAndTimesEachOnesFirstContent()
    {
        var ct = TestContext.Current.CancellationToken;
        var stream = RequestBytes.PostJson(_endPoint, "/sse", "key", "{\"stream\":true}");
        Target[] targets = [new("a", _endPoint, stream, Streaming: true), new("b", _endPoint, stream, Streaming: true), new("c", _endPoint, RequestBytes.PostJson(_endPoint, "/missing", "key", "{}"), Streaming: true)];

        var results = await InterleavedLoop.RunAsync(targets, 1, Stopwatch.GetTimestamp() + (2 * Stopwatch.Frequency), warmupCycles: 1, ct).WaitAsync(TimeSpan.FromSeconds(20), ct);

        // Request by request: the two good paths get the same number of samples (within the cycle cut at the deadline).
        var a = results["a"];
        var b = results["b"];
        Assert.InRange(a.FirstContent.Count, 5, 60);
        Assert.InRange(Math.Abs(a.FirstContent.Count - b.FirstContent.Count), 0, 1);
        Assert.Equal(0, a.Errors + b.Errors);
        Assert.True(a.FirstContent.Summarize().P50 >= (EngineTtftMs - 5), "first content came before the engine produced it");

        // The failing path fails on its own turns and does not stop the others.
        Assert.InRange(results["c"].Errors, a.FirstContent.Count - 1, a.FirstContent.Count + 1);
    }
}
