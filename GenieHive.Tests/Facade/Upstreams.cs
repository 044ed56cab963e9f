using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace GenieHive.Tests.Facade;

/// <summary>Canned upstream behaviours for fake model servers.</summary>
internal static class Upstreams
{
    public const string ChatJson =
        """{"id":"c1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}""";

    /// <summary>The URL of a loopback port that was free a moment ago and has no listener now (connection refused).</summary>
    public static string ClosedPortUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return "http://127.0.0.1:" + port;
    }

    public static Func<HttpContext, ReceivedRequest, Task> Json(string json, int status = 200, string contentType = "application/json") =>
        async (context, _) =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(json, context.RequestAborted);
        };

    /// <summary>Writes each event and flushes it, optionally waiting on a gate before each one after the first.</summary>
    public static Func<HttpContext, ReceivedRequest, Task> Sse(IReadOnlyList<string> events, Func<int, Task>? beforeEvent = null) =>
        async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            for (var i = 0; i < events.Count; i++)
            {
                if (beforeEvent is not null)
                {
                    await beforeEvent(i);
                }

                await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(events[i]), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        };

    public static string Chunk(string content) =>
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content + "\"}}]}\n\n";
}
