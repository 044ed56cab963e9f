using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GenieHive.Tests.Hosting;

/// <summary>
/// One of the repository's services started in process on a real Kestrel socket (port 0), with its configuration
/// given as keys that win over its appsettings.json, so other services and the SDKs under test call it over real HTTP.
/// The keys go into an in-memory source added last, so <see cref="SetAndReload"/> can change one later (Control learns
/// the facade's address only once the facade, which needs Control's, has started).
/// </summary>
public sealed class KestrelApp<TMarker> : WebApplicationFactory<TMarker>
    where TMarker : class
{
    private readonly Dictionary<string, string?> _settings;

    private KestrelApp(IDictionary<string, string?> settings)
    {
        // Quiet by default: the test output is for the tests.
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["Logging:LogLevel:Default"] = "Warning" };
        foreach (var (key, value) in settings)
        {
            _settings[key] = value;
        }

        UseKestrel(0);
    }

    /// <summary>The base URL (<c>http://127.0.0.1:port</c>, no trailing slash), once started.</summary>
    public string Url { get; private set; } = "";

    /// <summary>Builds and starts the service with <paramref name="settings"/>; returns once it listens.</summary>
    public static KestrelApp<TMarker> Start(IDictionary<string, string?> settings)
    {
        var app = KestrelStart.Start(() => new KestrelApp<TMarker>(settings), static app => app.StartServer());
        app.Url = KestrelStart.ListeningUrl(app.Services);
        return app;
    }

    /// <summary>Changes one setting and reloads configuration (options monitors see the new value).</summary>
    public void SetAndReload(string key, string value)
    {
        var configuration = (IConfigurationRoot)Services.GetRequiredService<IConfiguration>();
        configuration[key] = value;
        configuration.Reload();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(_settings));
}
