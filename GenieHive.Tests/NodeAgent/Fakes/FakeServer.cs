using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace GenieHive.Tests.NodeAgent.Fakes;

/// <summary>A minimal web application on 127.0.0.1 and a free port, for fake engines and a fake Control.</summary>
public sealed class FakeServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeServer(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The root URL, without a trailing slash (for example <c>http://127.0.0.1:41234</c>).</summary>
    public string Url { get; }

    public static async Task<FakeServer> StartAsync(Action<WebApplication> map, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        map(app);
        await app.StartAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        return new FakeServer(app, app.Urls.First().TrimEnd('/'));
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }
}
