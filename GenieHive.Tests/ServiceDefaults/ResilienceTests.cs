using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;

namespace GenieHive.Tests.ServiceDefaults;

/// <summary>
/// Service-to-service clients retry what is safe to send twice and nothing else: a POST that failed may have been
/// applied (a queued run, a measured case), so it is sent once.
/// </summary>
public sealed class ResilienceTests
{
    private const string ClientName = "probe";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheDefaultClientRetriesAFailedGetButSendsAFailedPostOnlyOnce()
    {
        await using var server = await FailingServer.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.AddServiceDefaults();
        builder.Services.AddHttpClient(ClientName);
        // Only the pause between attempts is shortened; which requests are retried is the defaults' own rule.
        builder.Services.ConfigureAll<HttpStandardResilienceOptions>(options => options.Retry.Delay = TimeSpan.FromMilliseconds(1));
        await using var app = builder.Build();
        var client = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);

        using var get = await client.GetAsync(server.Url + "/get", Ct);
        using var post = await client.PostAsync(server.Url + "/post", new StringContent("{}"), Ct);
        using var put = await client.PutAsync(server.Url + "/put", new StringContent("{}"), Ct);

        Assert.True(server.Calls("/get") > 1, $"GET was sent {server.Calls("/get")} time(s)");
        Assert.Equal(1, server.Calls("/post"));
        Assert.Equal(1, server.Calls("/put"));
    }

    /// <summary>Answers every request 503 and counts the requests per path.</summary>
    private sealed class FailingServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

        private FailingServer(WebApplication app)
        {
            _app = app;
        }

        public string Url => _app.Urls.First();

        public int Calls(string path) => _calls.GetValueOrDefault(path);

        public static async Task<FailingServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var server = new FailingServer(app);
            app.Run(context =>
            {
                server._calls.AddOrUpdate(context.Request.Path.Value ?? "", 1, static (_, count) => count + 1);
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return Task.CompletedTask;
            });
            await app.StartAsync(Ct);
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
    }
}
