using GenieHive.Control;
using GenieHive.Control.Hosting;
using GenieHive.Tests.Benchmarks;
using GenieHive.Tests.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace GenieHive.Tests.Control;

/// <summary>
/// Control in process, on its own SQLite file (a temp path, never the repository's <c>state/</c>), with
/// settings and an optional fake clock. Several factories can share one database file to test restarts.
/// </summary>
public sealed class ControlFactory : WebApplicationFactory<ControlMarker>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly FakeTimeProvider? _time;

    private BenchmarkerApp? _benchmarker;

    public ControlFactory(
        string? databasePath = null,
        IDictionary<string, string?>? settings = null,
        FakeTimeProvider? time = null)
        : this(databasePath, settings, time, kestrelPort: null)
    {
    }

    private ControlFactory(string? databasePath, IDictionary<string, string?>? settings, FakeTimeProvider? time, int? kestrelPort)
    {
        if (kestrelPort is { } port)
        {
            UseKestrel(port);
        }

        DatabasePath = databasePath ?? NewDatabasePath();
        _time = time;
        _settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ConnectionStrings:geniehive"] = $"Data Source={DatabasePath}",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public string DatabasePath { get; }

    /// <summary>The base URL on a real socket (<see cref="StartOnPort"/>, <see cref="StartWithBenchmarker"/>); empty on a test server.</summary>
    public string Url { get; private set; } = "";

    /// <summary>Control on a real socket at <paramref name="port"/> (0: any free one), so another process can call it.</summary>
    public static ControlFactory StartOnPort(
        int port,
        string? databasePath = null,
        IDictionary<string, string?>? settings = null,
        FakeTimeProvider? time = null,
        bool keepDatabase = false)
    {
        var control = KestrelStart.Start(
            () => new ControlFactory(databasePath, settings, time, kestrelPort: port) { KeepDatabase = keepDatabase },
            static factory => factory.StartServer());
        control.Url = KestrelStart.ListeningUrl(control.Services);
        return control;
    }

    /// <summary>
    /// Control on a real socket with a benchmarker beside it, on the same clock, as the AppHost runs them: the
    /// benchmarker claims the runs Control queues and measures them through the facade at <paramref name="facadeUrl"/>
    /// (null: none, so runs fail saying so). Disposing stops Control first, then the benchmarker, which by then can
    /// no longer report: a run it was measuring is left to its lease, as when a whole machine stops.
    /// </summary>
    public static ControlFactory StartWithBenchmarker(
        string? facadeUrl,
        string? databasePath = null,
        IDictionary<string, string?>? settings = null,
        FakeTimeProvider? time = null,
        bool keepDatabase = false)
    {
        var control = StartOnPort(0, databasePath, settings, time, keepDatabase);
        control._benchmarker = BenchmarkerApp.Start(control.Url, facadeUrl, time: time);
        return control;
    }

    /// <summary>Leaves the database file in place on dispose (a restart test starts another factory on it).</summary>
    public bool KeepDatabase { get; init; }

    /// <summary>A fresh database path under the temp folder.</summary>
    public static string NewDatabasePath() =>
        Path.Combine(Path.GetTempPath(), "geniehive-tests", $"control-{Guid.NewGuid():N}.sqlite3");

    /// <summary>A fake clock at a fixed, recent instant.</summary>
    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// Starts Control's services as Program.cs does (on a test server) and returns what stopped them. Built
    /// directly rather than through WebApplicationFactory, whose entry-point thread races the failed start.
    /// </summary>
    public static async Task<Exception> StartupErrorAsync(Dictionary<string, string?> settings)
    {
        var databasePath = NewDatabasePath();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:geniehive"] = $"Data Source={databasePath}",
            ["GenieHive:Roles:Path"] = "roles.yaml",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseTestServer();
        builder.AddControlServices();
        await using var app = builder.Build();
        try
        {
            var thrown = await Record.ExceptionAsync(() => app.StartAsync(TestContext.Current.CancellationToken));
            Assert.NotNull(thrown);
            return thrown;
        }
        finally
        {
            DeleteDatabase(databasePath);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder) => TestHostSettings.Apply(builder, _settings, _time);

    /// <summary>Deletes a database file and its WAL companions.</summary>
    public static void DeleteDatabase(string path)
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // A leftover temp file is harmless; the next run uses a new name.
            }
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_benchmarker is not null)
        {
            await _benchmarker.DisposeAsync();
        }

        if (!KeepDatabase)
        {
            DeleteDatabase(DatabasePath);
        }
    }
}

/// <summary>One Control per test class (tests use their own host and service ids, so they never share data).</summary>
public sealed class ControlFixture : IAsyncLifetime
{
    public ControlFactory Factory { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    public ValueTask InitializeAsync()
    {
        Client = Factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
