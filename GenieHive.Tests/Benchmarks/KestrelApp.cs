using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GenieHive.Tests.Benchmarks;

/// <summary>
/// A GenieHive service in process on a real Kestrel socket (port 0), so other services can call it over HTTP.
/// Settings go into an in-memory configuration source added last, so <see cref="SetAndReload"/> can change one
/// later (Control learns the facade's address only once the facade, which needs Control's, has started).
/// </summary>
public sealed class KestrelApp<TMarker> : WebApplicationFactory<TMarker>
    where TMarker : class
{
    private readonly Dictionary<string, string?> _settings;

    public KestrelApp(IDictionary<string, string?> settings)
    {
        _settings = new Dictionary<string, string?>(settings, StringComparer.OrdinalIgnoreCase)
        {
            ["Logging:LogLevel:Default"] = "Warning",
        };
        UseKestrel(0);
    }

    public string Url { get; private set; } = "";

    /// <summary>Starts the server and reads its address.</summary>
    public KestrelApp<TMarker> Start()
    {
        StartServer();
        Url = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("localhost", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        return this;
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
