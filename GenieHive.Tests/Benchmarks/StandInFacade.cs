using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace GenieHive.Tests.Benchmarks;

/// <summary>
/// A stand-in facade for the benchmarker: it routes every model, answers embeddings correctly ordered (at once, or once
/// <see cref="ReleaseEmbeddings"/> is called), and holds every chat request open until the caller goes away, so a chat
/// run is reliably mid-case when the test stops something.
/// </summary>
internal sealed class StandInFacade : IAsyncDisposable
{
    private const string Embeddings =
        """{"object":"list","data":[{"index":0,"embedding":[1,0,0]},{"index":1,"embedding":[0.9,0.1,0]},{"index":2,"embedding":[0,0,1]}],"usage":{"prompt_tokens":9,"total_tokens":9}}""";

    private readonly WebApplication _app;
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _chatRequests;
    private int _embeddingRequests;

    private StandInFacade(WebApplication app, bool holdEmbeddings)
    {
        _app = app;
        if (!holdEmbeddings)
        {
            _released.SetResult();
        }
    }

    public string Url { get; private set; } = "";

    public int ChatRequests => Volatile.Read(ref _chatRequests);

    public int EmbeddingRequests => Volatile.Read(ref _embeddingRequests);

    public static async Task<StandInFacade> StartAsync(bool holdEmbeddings = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var facade = new StandInFacade(app, holdEmbeddings);
        app.MapGet("/v1/models/{id}", (string id) => Results.Json(new { id, @object = "model" }));
        app.MapPost("/v1/embeddings", async (HttpContext context) =>
        {
            Interlocked.Increment(ref facade._embeddingRequests);
            await facade._released.Task.WaitAsync(context.RequestAborted);
            return Results.Text(Embeddings, "application/json");
        });
        app.MapPost("/v1/chat/completions", async (HttpContext context) =>
        {
            Interlocked.Increment(ref facade._chatRequests);
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        facade.Url = app.Urls.First();
        return facade;
    }

    /// <summary>Lets held embeddings requests (and all later ones) answer.</summary>
    public void ReleaseEmbeddings() => _released.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        _released.TrySetResult();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
