using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GenieHive.Tests.Facade;

/// <summary>A request as a fake upstream received it.</summary>
internal sealed record ReceivedRequest(string Path, string? ContentType, byte[] Body, IReadOnlyDictionary<string, string> Headers)
{
    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);
}

/// <summary>
/// A model server stand-in on a real socket. Each test sets what it answers; it records every request (body read
/// whole unless the handler reads it itself) and whether the request was aborted by the caller.
/// </summary>
internal sealed class FakeUpstream : IAsyncDisposable
{
    private WebApplication? _app;

    public string Url { get; private set; } = "";

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Completed when a request's RequestAborted fired (the facade cancelled it).</summary>
    public TaskCompletionSource Aborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Answers every request; set by the test. Gets the context and the recorded body.</summary>
    public Func<HttpContext, ReceivedRequest, Task> Handler { get; set; } = (context, _) => context.Response.WriteAsync("{}");

    /// <summary>When true the handler gets the body unread (for streaming uploads).</summary>
    public bool HandlerReadsBody { get; set; }

    public int RequestCount => Requests.Count;

    public static async Task<FakeUpstream> StartAsync(Func<HttpContext, ReceivedRequest, Task>? handler = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0);
            options.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var upstream = new FakeUpstream { _app = app };
        app.Run(async context =>
        {
            context.RequestAborted.Register(() => upstream.Aborted.TrySetResult());
            byte[] body = [];
            if (!upstream.HandlerReadsBody)
            {
                using var buffer = new MemoryStream();
                await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
                body = buffer.ToArray();
            }

            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var received = new ReceivedRequest(context.Request.Path, context.Request.ContentType, body, headers);
            upstream.Requests.Enqueue(received);
            await upstream.Handler(context, received);
        });
        if (handler is not null)
        {
            upstream.Handler = handler;
        }

        await app.StartAsync(TestContext.Current.CancellationToken);
        upstream.Url = app.Urls.First();
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
    }
}
