using System.Net;
using GenieHive.Tests.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GenieHive.Tests.Testing;

/// <summary>
/// One service of a <see cref="TestCluster"/>, in process, served by Kestrel on a loopback socket: port 0 lets the OS
/// pick, a given port restarts a service on the address it had. Configured only through its configuration,
/// as in production (environment Production), and logging into the cluster's <see cref="LogSink"/>.
/// </summary>
public sealed class ClusterApp<TMarker> : WebApplicationFactory<TMarker>
    where TMarker : class
{
    private readonly string _name;
    private readonly Dictionary<string, string?> _settings;
    private readonly LogSink _logs;

    private ClusterApp(string name, IDictionary<string, string?> settings, LogSink logs, int port)
    {
        _name = name;
        _settings = new Dictionary<string, string?>(settings, StringComparer.OrdinalIgnoreCase);
        _logs = logs;
        UseKestrel(options => options.Listen(IPAddress.Loopback, port));
    }

    public Uri BaseAddress { get; private set; } = null!;

    public int Port => BaseAddress.Port;

    /// <summary>Builds and starts the service; returns once it listens.</summary>
    public static ClusterApp<TMarker> Start(string name, IDictionary<string, string?> settings, LogSink logs, int port = 0)
    {
        var app = KestrelStart.Start(() => new ClusterApp<TMarker>(name, settings, logs, port), static app => app.StartServer());
        try
        {
            app.BaseAddress = new Uri(KestrelStart.ListeningUrl(app.Services));
            return app;
        }
        catch
        {
            app.Dispose();
            throw;
        }
    }

    /// <summary>A plain client on the service's socket (not the factory's in-memory handler).</summary>
    public HttpClient NewClient(TimeSpan? timeout = null) =>
        new() { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(30) };

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environments.Production);
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(_settings));
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(new SinkLoggerProvider(_name, _logs));
        });
    }
}
