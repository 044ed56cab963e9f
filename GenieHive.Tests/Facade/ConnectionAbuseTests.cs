using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GenieHive.Tests.Facade;

/// <summary>
/// Connection abuse against a real facade socket, with the Kestrel limits of <c>GenieHive:ConnectionLimits</c> (set in
/// ServiceDefaults for every service): slow and idle partial requests (slowloris), a flood of connections beyond the
/// limit, and request-smuggling heads. Valid clients are answered meanwhile, and the facade's memory stays bounded.
/// </summary>
public sealed class ConnectionAbuseTests
{
    private const string ValidChat = """{"model":"llama","messages":[{"role":"user","content":"hi"}]}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SlowlorisPartialRequestsAreDroppedWhileValidClientsAreAnswered()
    {
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Json(Upstreams.ChatJson));
        await using var control = await FakeControl.WithOneServiceAsync(upstream.Url);
        await using var facade = await FacadeHost.StartAsync(control, new Dictionary<string, string?>
        {
            ["GenieHive:ConnectionLimits:RequestHeadersTimeoutSeconds"] = "2",
        });
        var endpoint = Endpoint(facade.Url);
        var before = Memory();

        // 300 clients each holding a request head open, one more header byte every 300 ms: never finishing it.
        var slow = new List<Socket>();
        for (var i = 0; i < 300; i++)
        {
            var socket = await ConnectAsync(endpoint);
            await socket.SendAsync("POST /v1/chat/completions HTTP/1.1\r\nHost: a\r\nX-Slow: "u8.ToArray(), Ct);
            slow.Add(socket);
        }

        var trickle = Task.Run(async () =>
        {
            for (var round = 0; round < 20; round++)
            {
                foreach (var socket in slow)
                {
                    try
                    {
                        await socket.SendAsync("a"u8.ToArray(), Ct);
                    }
                    catch (SocketException)
                    {
                        // Dropped by the facade: what this test waits for.
                    }
                }

                await Task.Delay(300, Ct);
            }
        }, Ct);

        var during = Memory();
        var latencies = new List<double>();
        for (var i = 0; i < 20; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await facade.Client.PostAsync("/v1/chat/completions", Requests.JsonBody(ValidChat), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        // Every slow client is cut off by the request-head timeout (2 s here) plus Kestrel's 1 s heartbeat.
        var closed = await Task.WhenAll(slow.Select(s => ClosedByServerAsync(s, TimeSpan.FromSeconds(10))));
        await trickle;
        var after = Memory();
        foreach (var socket in slow)
        {
            socket.Dispose();
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            "slowloris x300: valid chat p50 " + Percentile(latencies, 0.5).ToString("F1", System.Globalization.CultureInfo.InvariantCulture)
            + " ms, max " + latencies.Max().ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + " ms; memory (managed heap / working set, MB) before "
            + before + ", during " + during + ", after " + after);
        Assert.All(closed, Assert.True);
        Assert.True(latencies.Max() < 2000, "a valid request waited " + latencies.Max() + " ms behind the slow clients");
    }

    [Fact]
    public async Task AFloodBeyondTheConnectionLimitIsShedAndTheFacadeAnswersOnceIdleHoldersTimeOut()
    {
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Json(Upstreams.ChatJson));
        await using var control = await FakeControl.WithOneServiceAsync(upstream.Url);
        await using var facade = await FacadeHost.StartAsync(control, new Dictionary<string, string?>
        {
            ["GenieHive:ConnectionLimits:MaxConcurrentConnections"] = "100",
            ["GenieHive:ConnectionLimits:KeepAliveTimeoutSeconds"] = "2",
        });
        var endpoint = Endpoint(facade.Url);

        // The facade's own client holds a kept-alive connection; the flood takes every other slot and 100 beyond.
        using (var warm = await facade.Client.PostAsync("/v1/chat/completions", Requests.JsonBody(ValidChat), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var flood = new List<Socket>();
        for (var i = 0; i < 200; i++)
        {
            flood.Add(await ConnectAsync(endpoint));
        }

        // Connections over the limit are closed at once; those under it when the idle timeout ends them (no byte sent).
        var closed = await Task.WhenAll(flood.Select(s => ClosedByServerAsync(s, TimeSpan.FromSeconds(10))));
        Assert.All(closed, Assert.True);
        using (var response = await facade.Client.PostAsync("/v1/chat/completions", Requests.JsonBody(ValidChat), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        foreach (var socket in flood)
        {
            socket.Dispose();
        }
    }

    [Theory]
    [InlineData("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n")]
    [InlineData("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n")]
    [InlineData("Content-Length: 5\r\nContent-Length: 60\r\n")]
    [InlineData("Content-Length: 5, 60\r\n")]
    [InlineData("Transfer-Encoding: xchunked\r\n")]
    [InlineData("Transfer-Encoding: chunked, identity\r\n")]
    [InlineData("Transfer-Encoding : chunked\r\n")]
    [InlineData("Content-Length: -5\r\n")]
    public async Task SmugglingHeadsNeverReachTheUpstreamAsASecondRequest(string framing)
    {
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Json(Upstreams.ChatJson));
        await using var control = await FakeControl.WithOneServiceAsync(upstream.Url);
        await using var facade = await FacadeHost.StartAsync(control);

        // A chunked body that ends early, followed by a request a proxy reading Content-Length would take as the body.
        var smuggled = "POST /v1/chat/completions HTTP/1.1\r\nHost: a\r\nX-Api-Key: " + FacadeHost.Key + "\r\nContent-Type: application/json\r\n"
            + framing + "\r\n0\r\n\r\nPOST /v1/embeddings HTTP/1.1\r\nHost: a\r\nX-Api-Key: " + FacadeHost.Key
            + "\r\nContent-Type: application/json\r\nContent-Length: 30\r\n\r\n{\"model\":\"llama\",\"input\":\"x\"}";
        using var socket = await ConnectAsync(Endpoint(facade.Url));
        await socket.SendAsync(Encoding.ASCII.GetBytes(smuggled), Ct);
        var reply = await ReadUntilClosedOrQuietAsync(socket, TimeSpan.FromSeconds(3));

        var statuses = StatusLines(reply);
        Assert.NotEmpty(statuses);
        Assert.All(statuses, status => Assert.True(status < 500, "a smuggling head got " + status + ":\n" + reply));

        // Whatever the facade made of the head, the upstream saw whole requests with bodies the facade framed itself.
        Assert.All(upstream.Requests, r => Assert.DoesNotContain("POST /v1/", r.BodyText, StringComparison.Ordinal));
        using var after = await facade.Client.PostAsync("/v1/chat/completions", Requests.JsonBody(ValidChat), Ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    private static IPEndPoint Endpoint(string url)
    {
        var uri = new Uri(url);
        return new IPEndPoint(IPAddress.Loopback, uri.Port);
    }

    private static async Task<Socket> ConnectAsync(IPEndPoint endpoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint, Ct);
        return socket;
    }

    /// <summary>True when the server closes (or resets) the connection within <paramref name="within"/>; responses are read past.</summary>
    private static async Task<bool> ClosedByServerAsync(Socket socket, TimeSpan within)
    {
        var buffer = new byte[4096];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(within);
        try
        {
            while (await socket.ReceiveAsync(buffer, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async Task<string> ReadUntilClosedOrQuietAsync(Socket socket, TimeSpan quiet)
    {
        var text = new StringBuilder();
        var buffer = new byte[8192];
        while (true)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(quiet);
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, timeout.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException && !Ct.IsCancellationRequested)
            {
                return text.ToString();
            }

            if (read == 0)
            {
                return text.ToString();
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
    }

    private static List<int> StatusLines(string reply) =>
        [.. reply.Split("\r\n").Where(l => l.StartsWith("HTTP/1.1 ", StringComparison.Ordinal)).Select(l => int.Parse(l[9..12], System.Globalization.CultureInfo.InvariantCulture))];

    private static double Percentile(List<double> values, double p) => values.Order().ElementAt((int)((values.Count - 1) * p));

    private static string Memory()
    {
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(false) / 1048576.0).ToString("F0", System.Globalization.CultureInfo.InvariantCulture) + "/"
            + (process.WorkingSet64 / 1048576.0).ToString("F0", System.Globalization.CultureInfo.InvariantCulture);
    }
}
