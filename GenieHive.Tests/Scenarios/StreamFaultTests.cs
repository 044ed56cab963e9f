using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using GenieHive.Tests.Scenarios.Cluster;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Scenarios;

/// <summary>Issue 6, streams under faults, end to end through the real facade and a simulated engine.</summary>
[Collection(ScenarioCollection.Name)]
public sealed class StreamFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AnUpstreamDyingMidStreamEndsTheClientStreamWithAnSseErrorEvent()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync();
        var (engine, _) = await StartEngineAsync(cluster, tokensPerSecond: 50);
        await engine.SetFaultAsync("""{"mode":"drop_mid_stream","after_chunks":3,"count":1}""");

        using var request = Chat.Request("hive-chat", stream: true, maxTokens: 40);
        using var response = await cluster.FacadeClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var (events, broken) = await ReadEventsAsync(response, ct).WaitAsync(TimeSpan.FromSeconds(20), ct);
        output.WriteLine(string.Join('\n', events) + "\n" + (broken ?? "clean end of the body"));

        // What the engine sent before it died is relayed, then an error event ends the stream (no [DONE]); the body is
        // then cut short on purpose (no final chunk), so that an SDK that ignores error events still fails the stream.
        Assert.True(events.Count >= 2, "expected content before the error event");
        Assert.DoesNotContain("[DONE]", events);
        using var last = JsonDocument.Parse(events[^1]);
        var error = last.RootElement.GetProperty("error");
        Assert.Equal("upstream_stream_interrupted", error.GetProperty("code").GetString());
        Assert.All(events.SkipLast(1), e => Assert.Contains("\"choices\"", e, StringComparison.Ordinal));

        // Nothing is left open: not in the facade, not in the engine; and the engine serves the next request.
        await Poll.UntilAsync(() => Task.FromResult(cluster.Facade.Tracker.InFlight("chat-s") == 0), TimeSpan.FromSeconds(5),
            "the facade's in-flight count to return to 0", cluster.Logs);
        await Poll.UntilAsync(async () => (await engine.StatsAsync()).GetProperty("processing").GetInt32() == 0, TimeSpan.FromSeconds(5),
            "the engine to free its slot", cluster.Logs);
        var next = await Chat.SendAsync(cluster.FacadeClient, "hive-chat", Stopwatch.StartNew(), ct);
        Assert.True(next.Succeeded, next.ToString());
    }

    [Fact]
    public async Task AClientLeavingMidStreamCancelsTheUpstreamRequestPromptly()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync();
        var (engine, _) = await StartEngineAsync(cluster, tokensPerSecond: 20);

        // No draining on dispose: leaving means closing the connection, as a browser tab or a killed script does.
        using var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = cluster.Facade.App.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", TestCluster.ClientKey);

        var latencies = new List<double>();
        for (var round = 1; round <= 6; round++)
        {
            using (var request = Chat.Request("hive-chat", stream: true, maxTokens: 400))
            {
                var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var body = await response.Content.ReadAsStreamAsync(ct);
                await ReadUntilEventsAsync(body, 3, ct).WaitAsync(TimeSpan.FromSeconds(10), ct);

                var leftAt = DateTimeOffset.UtcNow;
                response.Dispose();

                JsonElement stats = default;
                await Poll.UntilAsync(async () => (stats = await engine.StatsAsync()).GetProperty("cancelled").GetInt32() == round,
                    TimeSpan.FromSeconds(5), $"the engine to see cancellation {round}", cluster.Logs);
                var cancelledAt = DateTimeOffset.UnixEpoch.AddTicks((long)(stats.GetProperty("last_cancelled_at").GetDouble() * TimeSpan.TicksPerSecond));
                var latency = (cancelledAt - leftAt).TotalMilliseconds;
                if (round > 1)
                {
                    // The first round warms the path up (JIT); it is reported, not counted.
                    latencies.Add(latency);
                }

                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}: upstream cancelled {latency:F1} ms after the client left"));
            }

            await Poll.UntilAsync(() => Task.FromResult(cluster.Facade.Tracker.InFlight("chat-s") == 0), TimeSpan.FromSeconds(5),
                "the facade's in-flight count to return to 0", cluster.Logs);
            await Poll.UntilAsync(async () => (await engine.StatsAsync()).GetProperty("processing").GetInt32() == 0, TimeSpan.FromSeconds(5),
                "the engine to free its slot", cluster.Logs);
        }

        latencies.Sort();
        var median = latencies[latencies.Count / 2];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Cancellation latency over {latencies.Count} rounds: median {median:F1} ms, max {latencies[^1]:F1} ms"));
        Assert.True(median <= 100, $"median cancellation latency {median:F1} ms exceeds 100 ms");
        // A loaded two-core machine may stall one round; the bound for every round only says none hangs.
        Assert.True(latencies[^1] <= 1000, $"a cancellation took {latencies[^1]:F1} ms");
    }

    [Fact]
    public async Task AStalledUpstreamAnswers504BeforeTheFirstByte()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(new ClusterOptions { FirstByteTimeoutSeconds = 1 });
        var (engine, _) = await StartEngineAsync(cluster, tokensPerSecond: 50);
        await engine.SetFaultAsync("""{"mode":"stall","count":1}""");

        var clock = Stopwatch.StartNew();
        using var request = Chat.Request("hive-chat", stream: true);
        using var response = await cluster.FacadeClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var elapsed = clock.Elapsed;
        var body = await response.Content.ReadAsStringAsync(ct);
        output.WriteLine($"{(int)response.StatusCode} after {elapsed.TotalMilliseconds:F0} ms: {body}");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var error = JsonDocument.Parse(body);
        Assert.Equal("upstream_timeout", error.RootElement.GetProperty("error").GetProperty("code").GetString());
        // Not before the timeout, within the timer's coarseness: .NET timers count in the kernel's ticks (4 ms here)
        // and can fire a few ms early by this test's stopwatch (0.998 s seen once in CI).
        Assert.InRange(elapsed, TimeSpan.FromSeconds(1) - TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(5));

        // The facade gave up on the upstream request: the engine saw it go, and nothing is left in flight.
        await Poll.UntilAsync(async () => (await engine.StatsAsync()).GetProperty("cancelled").GetInt32() == 1, TimeSpan.FromSeconds(5),
            "the engine to see the stalled request cancelled", cluster.Logs);
        await Poll.UntilAsync(() => Task.FromResult(cluster.Facade.Tracker.InFlight("chat-s") == 0), TimeSpan.FromSeconds(5),
            "the facade's in-flight count to return to 0", cluster.Logs);
    }

    private static async Task<(SimulatorNode Engine, AgentNode Agent)> StartEngineAsync(TestCluster cluster, double tokensPerSecond)
    {
        var engine = cluster.StartSimulator("s", "hive-chat", ("TimeToFirstTokenMs", 0), ("TokensPerSecond", tokensPerSecond));
        var agent = await cluster.StartAgentAsync("host-s", new ServiceSpec("chat-s", engine.BaseAddress, "hive-chat"));
        await cluster.WaitForTargetsAsync("hive-chat", "chat-s");
        return (engine, agent);
    }

    // The data of every SSE event, and how the body ended (null when it ended cleanly).
    private static async Task<(List<string> Events, string? Broken)> ReadEventsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var events = new List<string>();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        try
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    events.Add(line["data: ".Length..]);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return (events, "connection broken: " + ex.Message);
        }

        return (events, null);
    }

    // Reads raw bytes until at least `count` SSE events (blank-line separated) have arrived.
    private static async Task ReadUntilEventsAsync(Stream body, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        var seen = 0;
        var previous = (byte)0;
        while (seen < count)
        {
            var read = await body.ReadAsync(buffer, cancellationToken);
            Assert.True(read > 0, "the stream ended early");
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] == (byte)'\n' && previous == (byte)'\n')
                {
                    seen++;
                }

                previous = buffer[i];
            }
        }
    }
}
