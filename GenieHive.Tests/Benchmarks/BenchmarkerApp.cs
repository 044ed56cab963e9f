using GenieHive.Benchmarker;
using GenieHive.Tests.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;

namespace GenieHive.Tests.Benchmarks;

/// <summary>
/// The benchmarker in process, as the AppHost runs it: it claims the runs Control (at <c>services:control:http:0</c>)
/// queues and measures them through the facade, over real HTTP to both. Nothing calls it, so its own server is a test
/// server; an optional fake clock drives its schedule loop.
/// </summary>
public sealed class BenchmarkerApp : WebApplicationFactory<BenchmarkerMarker>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly FakeTimeProvider? _time;

    private BenchmarkerApp(Dictionary<string, string?> settings, FakeTimeProvider? time)
    {
        _settings = settings;
        _time = time;
    }

    /// <summary>
    /// Starts a benchmarker against Control at <paramref name="controlUrl"/> and the facade at <paramref name="facadeUrl"/>
    /// (null: none, so runs fail saying so), presenting <paramref name="apiKey"/> to both.
    /// </summary>
    public static BenchmarkerApp Start(string controlUrl, string? facadeUrl, string? apiKey = null, FakeTimeProvider? time = null) =>
        Start([controlUrl], facadeUrl, apiKey, time);

    /// <summary>A benchmarker given several Control URLs (replicas), in this order (<c>services:control:http:0</c>, <c>:1</c>, ...).</summary>
    public static BenchmarkerApp Start(IReadOnlyList<string> controlUrls, string? facadeUrl, string? apiKey = null, FakeTimeProvider? time = null)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            // Quiet by default: the test output is for the tests.
            ["Logging:LogLevel:Default"] = "Warning",
            ["GenieHive:Benchmarker:FacadeUrl"] = facadeUrl,
            ["GenieHive:Benchmarker:ApiKey"] = apiKey,
        };
        for (var i = 0; i < controlUrls.Count; i++)
        {
            settings[$"services:control:http:{i}"] = controlUrls[i];
        }

        var app = new BenchmarkerApp(settings, time);
        app.StartServer();
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder) => TestHostSettings.Apply(builder, _settings, _time);
}
