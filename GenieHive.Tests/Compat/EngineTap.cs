using System.Text.Json.Nodes;
using GenieHive.Tests.Facade;
using Microsoft.AspNetCore.Http;

namespace GenieHive.Tests.Compat;

/// <summary>
/// A transparent hop in front of a real engine (the simulator or llama-server) that records every request it passes
/// on, to show what the engine received (the role's system prompt, the translated body). Answers stream through as
/// they arrive, flushed per read.
/// </summary>
internal sealed class EngineTap : IAsyncDisposable
{
    private readonly FakeUpstream _hop;
    private readonly HttpClient _engine;

    private EngineTap(FakeUpstream hop, HttpClient engine)
    {
        _hop = hop;
        _engine = engine;
    }

    public string Url => _hop.Url;

    public static async Task<EngineTap> StartAsync(string engineUrl)
    {
        var engine = new HttpClient { BaseAddress = new Uri(engineUrl), Timeout = TimeSpan.FromSeconds(120) };
        var hop = await FakeUpstream.StartAsync((context, received) => ForwardAsync(engine, context, received));
        return new EngineTap(hop, engine);
    }

    /// <summary>The JSON body of the last request the engine got on <paramref name="path"/>.</summary>
    public JsonObject LastBody(string path) =>
        JsonNode.Parse(_hop.Requests.Last(r => r.Path == path).Body)!.AsObject();

    /// <summary>The paths the engine was asked for, in order.</summary>
    public IReadOnlyList<string> Paths => [.. _hop.Requests.Select(r => r.Path)];

    public async ValueTask DisposeAsync()
    {
        await _hop.DisposeAsync();
        _engine.Dispose();
    }

    private static async Task ForwardAsync(HttpClient engine, HttpContext context, ReceivedRequest received)
    {
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
        if (received.Body.Length > 0)
        {
            request.Content = new ByteArrayContent(received.Body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", received.ContentType ?? "application/json");
        }

        using var response = await engine.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
        await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        var buffer = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }
}
