using System.Net.Http.Json;
using System.Text.Json;
using GenieHive.Simulator;
using GenieHive.Tests.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace GenieHive.Tests.Simulator;

/// <summary>
/// A simulator for one test: in memory (TestServer) by default, or on a real Kestrel socket on port 0 when the
/// test needs real connections (client disconnects, aborted connections). Settings are <c>Simulator:*</c> keys.
/// </summary>
public sealed class SimulatorApp : WebApplicationFactory<SimulatorMarker>
{
    private readonly Dictionary<string, string?> _settings;

    private SimulatorApp(Dictionary<string, string?> settings, bool kestrel)
    {
        _settings = settings;
        if (kestrel)
        {
            UseKestrel(0);
        }
    }

    /// <summary>An in-memory simulator; pacing defaults to none (no time to first token, no token rate).</summary>
    public static SimulatorApp InMemory(params (string Key, object Value)[] settings) => Create(false, settings);

    /// <summary>A simulator on a real socket.</summary>
    public static SimulatorApp OnKestrel(params (string Key, object Value)[] settings)
    {
        return KestrelStart.Start(() => Create(true, settings), static app => app.StartServer());
    }

    private static SimulatorApp Create(bool kestrel, (string Key, object Value)[] settings)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Simulator:TimeToFirstTokenMs"] = "0",
            ["Simulator:TokensPerSecond"] = "0",
        };
        foreach (var (key, value) in settings)
        {
            values["Simulator:" + key] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
        }

        return new SimulatorApp(values, kestrel);
    }

    /// <summary>This simulator with its time (pacing, model loads) from a fake clock the test advances.</summary>
    public WebApplicationFactory<SimulatorMarker> OnClock(FakeTimeProvider clock) =>
        WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock)));

    /// <summary>A fake clock at a fixed start, for <see cref="OnClock"/>.</summary>
    public static FakeTimeProvider NewClock() => new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>GETs JSON and parses it.</summary>
    public async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    /// <summary>Reads <c>/sim/stats</c>.</summary>
    public Task<JsonElement> StatsAsync(HttpClient client) => GetJsonAsync(client, "/sim/stats");

    /// <summary>Reads one value of <c>/metrics</c> (without the <c>llamacpp:</c> prefix).</summary>
    public Task<double> MetricAsync(HttpClient client, string name) => SimulatorTestKit.MetricAsync(client, name);
}
