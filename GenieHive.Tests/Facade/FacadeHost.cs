using System.Net.Http.Headers;
using GenieHive.Facade;
using GenieHive.Facade.Routing;
using GenieHive.Tests.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GenieHive.Tests.Facade;

/// <summary>The facade under test on a real Kestrel socket, pointed at a fake Control.</summary>
internal sealed class FacadeHost : WebApplicationFactory<FacadeMarker>
{
    public const string Key = "test-client-key";

    private readonly Dictionary<string, string?> _settings;

    private FacadeHost(Dictionary<string, string?> settings)
    {
        _settings = settings;
    }

    public string Url { get; private set; } = "";

    /// <summary>Warnings and errors the facade logged (for failure messages).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>A client that sends the test key as <c>X-Api-Key</c>.</summary>
    public HttpClient Client { get; private set; } = null!;

    public RoutingState Routing => Services.GetRequiredService<RoutingState>();

    public static async Task<FacadeHost> StartAsync(FakeControl control, IDictionary<string, string?>? settings = null, bool waitForTable = true)
    {
        var host = KestrelStart.Start(() => Create(control, settings), static host => host.StartServer());
        host.Url = KestrelStart.ListeningUrl(host.Services);
        host.Client = new HttpClient { BaseAddress = new Uri(host.Url), Timeout = TimeSpan.FromSeconds(60) };
        host.Client.DefaultRequestHeaders.Add("X-Api-Key", Key);
        if (waitForTable)
        {
            await host.WaitForVersionAsync(control.Table.Version);
        }

        return host;
    }

    /// <summary>
    /// Starts a facade that should refuse to start and returns what it said: the exception and its warnings and errors
    /// ("" if it started). Both, because when start-up fails the test server sometimes loses the race and reports only
    /// that its host was disposed, while the host has logged the real reason.
    /// </summary>
    public static async Task<string> StartFailureAsync(FakeControl control, IDictionary<string, string?> settings)
    {
        var host = Create(control, settings);
        try
        {
            host.StartServer();
            return "";
        }
        catch (Exception ex)
        {
            return ex + "\n" + string.Join("\n", host.Logs);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    private static FacadeHost Create(FakeControl control, IDictionary<string, string?>? settings)
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["services:control:http:0"] = control.Url,
            ["GenieHive:Auth:ClientApiKeys:0"] = Key,
            ["GenieHive:Proxy:FirstByteTimeoutSeconds"] = "10",
            ["GenieHive:Proxy:StreamIdleTimeoutSeconds"] = "10",
            ["GenieHive:Observations:IntervalSeconds"] = "0.2",

            // Test classes share one facade and send wrong keys on purpose, all from loopback: the invalid-key
            // throttle (its own test: NamedKeyTests) would turn their 401s into 429s once a minute's allowance is used.
            ["GenieHive:Auth:InvalidKeysPerMinute"] = "0",

            // Tests count what reaches their fake engines: a speed probe of each new service would be one more
            // request (SpeedProbeTests turn it on).
            ["GenieHive:RequestRouting:ProbeUnmeasuredServices"] = "false",

            // Dozens of facades share the test process: their idle trims would be full blocking collections of it.
            ["GenieHive:Memory:TrimAfterIdleSeconds"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var host = new FacadeHost(all);
        host.UseKestrel(0);
        return host;
    }

    /// <summary>Waits (bounded) until the facade routes from at least <paramref name="version"/>.</summary>
    public Task WaitForVersionAsync(long version, double seconds = 10) =>
        Testing.Eventually.UntilAsync(() => Routing.Current?.Version >= version, "the facade to route from table version " + version,
            TimeSpan.FromSeconds(seconds), () => "Logs:\n" + string.Join("\n", Logs));

    public static HttpRequestMessage Json(string path, string json, string? key = Key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        return request;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(new QueueLoggerProvider(Logs)));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Client?.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>A JSON POST with the given media type header, for content-type tests.</summary>
internal static class Requests
{
    public static StringContent JsonBody(string json, string mediaType = "application/json")
    {
        var content = new StringContent(json);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        return content;
    }
}

/// <summary>Collects log lines of Warning and above into a queue.</summary>
internal sealed class QueueLoggerProvider(System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new QueueLogger(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class QueueLogger(string category, System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lines.Enqueue(logLevel + " " + category + ": " + formatter(state, exception) + (exception is null ? "" : " " + exception));
            }
        }
    }
}
