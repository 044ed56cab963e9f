using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace GenieHive.Tests.Facade;

/// <summary>
/// Engines are untrusted: one answering malformed JSON, invalid UTF-8, a gigantic body, an endless line, endless
/// headers or a never-ending stream costs that request a 502 (or the stream its error event), with bounded memory,
/// and the service a cooldown (the next request finds no healthy target and never reaches it).
/// </summary>
public sealed class HostileEngineTests
{
    private const string Chat = """{"model":"llama","messages":[{"role":"user","content":"hi"}]}""";
    private const string StreamedChat = """{"model":"llama","stream":true,"messages":[{"role":"user","content":"hi"}]}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, byte[]> MalformedAnswers => new()
    {
        { "cut short", "{\"choices\":[{\"message\":{\"content\":\"hel"u8.ToArray() },
        { "invalid UTF-8", [.. "{\"choices\":[{\"message\":{\"content\":\""u8, 0xC3, 0x28, 0xFF, .. "\"}}]}"u8] },
        { "lone surrogate escape", "{\"choices\":[{\"message\":{\"content\":\"\\ud800\"}}]}"u8.ToArray() },
        { "not JSON at all", "<html>Internal error</html>"u8.ToArray() },
        { "two values", "{}{}"u8.ToArray() },
        { "empty", [] },
    };

    [Theory]
    [MemberData(nameof(MalformedAnswers))]
    public async Task AMalformedJsonAnswerGets502AndCoolsTheServiceDown(string what, byte[] answer)
    {
        await using var upstream = await FakeUpstream.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(answer, context.RequestAborted);
        });
        await using var control = await FakeControl.WithOneServiceAsync(upstream.Url);
        await using var facade = await FacadeHost.StartAsync(control);

        await AssertBadGatewayThenCooldownAsync(facade, upstream, Chat, what);
    }

    [Fact]
    public async Task AGiganticAnswerGets502AndCoolsTheServiceDown()
    {
        var chunk = new byte[1024 * 1024];
        Array.Fill(chunk, (byte)'x');
        await using var upstream = await FakeUpstream.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync("{\"content\":\""u8.ToArray(), context.RequestAborted);
            for (var i = 0; i < 200 && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        });
        await using var control = await FakeControl.WithOneServiceAsync(upstream.Url);
        await using var facade = await FacadeHost.StartAsync(control);

        // The relay stops reading at its 32 MB cap (JsonRelay): the client gets the 502, not a 200 MB body.
        await AssertBadGatewayThenCooldownAsync(facade, upstream, Chat, "a 200 MB answer");
    }

    [Fact]
    public async Task AnEndlessLineBeforeTheFirstEventGets502()
    {
        await using var upstream = await FakeUpstream.StartAsync(EndlessLine(firstEvent: null));
        await using var control = await FakeControl.WithOneServiceAsync(upstream.Url);
        await using var facade = await FacadeHost.StartAsync(control);

        await AssertBadGatewayThenCooldownAsync(facade, upstream, StreamedChat, "an endless SSE line");
    }

    [Fact]
    public async Task AnEndlessLineAfterTheFirstEventEndsTheStreamWithTheErrorEvent()
    {
        await using var upstream = await FakeUpstream.StartAsync(EndlessLine(firstEvent: Upstreams.Chunk("hel")));
        await using var control = await FakeControl.WithOneServiceAsync(upstream.Url);
        await using var facade = await FacadeHost.StartAsync(control);

        using var response = await facade.Client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Requests.JsonBody(StreamedChat) },
            HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // A broken stream ends with the error event and without its last chunk, so no client takes it for complete.
        var received = new MemoryStream();
        try
        {
            await (await response.Content.ReadAsStreamAsync(Ct)).CopyToAsync(received, Ct);
            Assert.Fail("the broken stream ended as if complete");
        }
        catch (HttpIOException)
        {
        }

        var body = Encoding.UTF8.GetString(received.ToArray());
        Assert.StartsWith(Upstreams.Chunk("hel"), body, StringComparison.Ordinal);
        Assert.Contains("\"error\"", body[Upstreams.Chunk("hel").Length..], StringComparison.Ordinal);
        Assert.True(body.Length < 1024 * 1024, "the endless line reached the client: " + body.Length + " bytes");
        await AssertCoolingDownAsync(facade, upstream);
    }

    [Fact]
    public async Task ANeverEndingStreamIsRelayedWithBoundedMemoryUntilTheClientLeaves()
    {
        await using var upstream = await FakeUpstream.StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            var chunk = Encoding.UTF8.GetBytes(Upstreams.Chunk(new string('t', 200)));
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        });
        await using var control = await FakeControl.WithOneServiceAsync(upstream.Url);
        await using var facade = await FacadeHost.StartAsync(control);
        var before = GC.GetTotalMemory(true);

        using (var response = await facade.Client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Requests.JsonBody(StreamedChat) },
            HttpCompletionOption.ResponseHeadersRead, Ct))
        {
            await using var stream = await response.Content.ReadAsStreamAsync(Ct);
            var buffer = new byte[64 * 1024];
            long read = 0;
            while (read < 50L * 1024 * 1024)
            {
                read += await stream.ReadAsync(buffer, Ct);
            }
        }

        var grown = GC.GetTotalMemory(true) - before;
        await upstream.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        TestContext.Current.TestOutputHelper?.WriteLine("50 MB of a never-ending stream relayed; heap grew by " + (grown >> 10) + " KB");
        Assert.True(grown < 32L * 1024 * 1024, "relaying 50 MB grew the heap by " + (grown >> 20) + " MB");
    }

    [Theory]
    [InlineData("endless headers")]
    [InlineData("not HTTP")]
    [InlineData("a status line without end")]
    public async Task AnEngineThatDoesNotSpeakHttpGets502AndCoolsDown(string what)
    {
        await using var engine = HostileSocketServer.Start(what switch
        {
            "endless headers" => async stream =>
            {
                await stream.WriteAsync("HTTP/1.1 200 OK\r\n"u8.ToArray(), Ct);
                var header = "X-Endless: "u8.ToArray().Concat(Enumerable.Repeat((byte)'a', 8192)).Concat("\r\n"u8.ToArray()).ToArray();
                for (var i = 0; i < 1000; i++)
                {
                    await stream.WriteAsync(header, Ct);
                }
            },
            "not HTTP" => stream => stream.WriteAsync("SSH-2.0-OpenSSH_9.2\r\n\r\n"u8.ToArray(), Ct).AsTask(),
            _ => async stream =>
            {
                await stream.WriteAsync("HTTP/1.1 200 "u8.ToArray(), Ct);
                for (var i = 0; i < 1000; i++)
                {
                    await stream.WriteAsync(new byte[8192], Ct);
                }
            },
        });
        await using var control = await FakeControl.WithOneServiceAsync(engine.Url);
        await using var facade = await FacadeHost.StartAsync(control);

        using var response = await facade.Client.PostAsync("/v1/chat/completions", Requests.JsonBody(Chat), Ct);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_unreachable", JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!["code"]!.GetValue<string>());

        var accepted = engine.Accepted;
        using var next = await facade.Client.PostAsync("/v1/chat/completions", Requests.JsonBody(Chat), Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, next.StatusCode);
        Assert.Equal(accepted, engine.Accepted);
    }

    private static Func<HttpContext, ReceivedRequest, Task> EndlessLine(string? firstEvent) => async (context, _) =>
    {
        context.Response.ContentType = "text/event-stream";
        if (firstEvent is not null)
        {
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(firstEvent), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }

        await context.Response.Body.WriteAsync("data: "u8.ToArray(), context.RequestAborted);
        var chunk = new byte[256 * 1024];
        Array.Fill(chunk, (byte)'x');
        for (var i = 0; i < 400 && !context.RequestAborted.IsCancellationRequested; i++)
        {
            await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
        }
    };

    private static async Task AssertBadGatewayThenCooldownAsync(FacadeHost facade, FakeUpstream upstream, string body, string what)
    {
        using var response = await facade.Client.PostAsync("/v1/chat/completions", Requests.JsonBody(body), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.BadGateway, what + " got " + (int)response.StatusCode + ": " + (text.Length > 300 ? text[..300] : text));
        var error = JsonNode.Parse(text)!["error"]!;
        Assert.Equal("upstream_error", error["code"]!.GetValue<string>());
        Assert.StartsWith("The upstream answered ", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertCoolingDownAsync(facade, upstream);
    }

    private static async Task AssertCoolingDownAsync(FacadeHost facade, FakeUpstream upstream)
    {
        var seen = upstream.RequestCount;
        using var next = await facade.Client.PostAsync("/v1/chat/completions", Requests.JsonBody(Chat), Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, next.StatusCode);
        Assert.Equal(seen, upstream.RequestCount);
    }
}

/// <summary>A TCP server that reads a request head and answers with whatever bytes its script writes: not HTTP, or broken HTTP.</summary>
internal sealed class HostileSocketServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _accepted;

    private HostileSocketServer(Func<NetworkStream, Task> script)
    {
        _listener.Start();
        Url = "http://127.0.0.1:" + ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                Interlocked.Increment(ref _accepted);
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        try
                        {
                            var stream = client.GetStream();
                            _ = await stream.ReadAsync(new byte[16 * 1024], _stop.Token);
                            await script(stream);
                        }
                        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
                        {
                            // The facade hung up on it: what a hostile engine gets.
                        }
                    }
                });
            }
        });
    }

    public string Url { get; }

    public int Accepted => Volatile.Read(ref _accepted);

    public static HostileSocketServer Start(Func<NetworkStream, Task> script) => new(script);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
