using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using GenieHive.Control;
using GenieHive.Facade;
using GenieHive.Facade.Observations;
using GenieHive.Facade.Routing;
using GenieHive.NodeAgent;
using GenieHive.Simulator;
using GenieHive.Tests.Control;

namespace GenieHive.Tests.Testing;

/// <summary>Control on its own SQLite file; restartable on the same port, with the same or a fresh database.</summary>
public sealed class ControlNode : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _settings;
    private readonly LogSink _logs;
    private readonly List<string> _databases = [];
    private ClusterApp<ControlMarker>? _app;
    private int _port;

    internal ControlNode(Dictionary<string, string?> settings, LogSink logs)
    {
        _settings = settings;
        _logs = logs;
        DatabasePath = ControlFactory.NewDatabasePath();
        _databases.Add(DatabasePath);
    }

    public string DatabasePath { get; private set; }

    /// <summary>Stays the same across restarts.</summary>
    public Uri BaseAddress => new("http://127.0.0.1:" + _port.ToString(CultureInfo.InvariantCulture));

    /// <summary><see cref="BaseAddress"/> without the trailing slash.</summary>
    public string Url => BaseAddress.ToString().TrimEnd('/');

    public bool Running => _app is not null;

    public ClusterApp<ControlMarker> App => _app ?? throw new InvalidOperationException("Control is stopped.");

    /// <summary>Starts Control (on the port it had before, if any); <paramref name="freshDatabase"/> starts it on a new, empty file.</summary>
    public void Start(bool freshDatabase = false)
    {
        if (freshDatabase)
        {
            DatabasePath = ControlFactory.NewDatabasePath();
            _databases.Add(DatabasePath);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        var settings = new Dictionary<string, string?>(_settings, StringComparer.OrdinalIgnoreCase);
        // A cluster whose Control settings name a database of their own (PostgreSQL) keeps it; otherwise its SQLite file.
        settings.TryAdd("ConnectionStrings:geniehive", "Data Source=" + DatabasePath);
        _app = ClusterApp<ControlMarker>.Start("control", settings, _logs, _port);
        _port = _app.Port;
    }

    /// <summary>A graceful stop (the way an operator's restart stops it); its port is refused until the next start.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var database in _databases)
        {
            ControlFactory.DeleteDatabase(database);
        }
    }
}

/// <summary>The facade, pointed at Control's address.</summary>
public sealed class FacadeNode : IAsyncDisposable
{
    internal FacadeNode(ClusterApp<FacadeMarker> app)
    {
        App = app;
    }

    public ClusterApp<FacadeMarker> App { get; }

    /// <summary>The base URL (<c>http://127.0.0.1:port</c>, no trailing slash).</summary>
    public string Url => App.BaseAddress.ToString().TrimEnd('/');

    /// <summary>The facade's own per-service state: in flight, cooldowns, measurements.</summary>
    public ServiceLoadTracker Tracker => App.Get<ServiceLoadTracker>();

    public RoutingState Routing => App.Get<RoutingState>();

    /// <summary>The client keys in force here (configured, and the named keys of the last key table).</summary>
    public GenieHive.Facade.Auth.ClientKeys Keys => App.Get<GenieHive.Facade.Auth.ClientKeys>();

    public ValueTask DisposeAsync() => App.DisposeAsync();
}

/// <summary>A simulated engine on its own socket.</summary>
public sealed class SimulatorNode : IAsyncDisposable
{
    private readonly HttpClient _client;
    private ClusterApp<SimulatorMarker>? _app;

    internal SimulatorNode(string name, ClusterApp<SimulatorMarker> app)
    {
        Name = name;
        _app = app;
        BaseAddress = app.BaseAddress;
        _client = app.NewClient(TimeSpan.FromSeconds(10));
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    /// <summary><see cref="BaseAddress"/> without the trailing slash.</summary>
    public string Url => BaseAddress.ToString().TrimEnd('/');

    public bool Running => _app is not null;

    /// <summary><c>GET /sim/stats</c>.</summary>
    public async Task<JsonElement> StatsAsync()
    {
        using var response = await _client.GetAsync("/sim/stats", TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    /// <summary><c>DELETE /sim/stats</c>: counts start again from zero.</summary>
    public async Task ResetStatsAsync()
    {
        using var response = await _client.DeleteAsync("/sim/stats", TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Clears faults and zeroes the counters, so each test starts from a clean engine.</summary>
    public async Task ResetAsync()
    {
        (await _client.DeleteAsync("/sim/faults", TestContext.Current.CancellationToken)).Dispose();
        await ResetStatsAsync();
    }

    /// <summary>Polls <c>/sim/stats</c> until <paramref name="condition"/> holds and returns those stats; fails after <paramref name="seconds"/> (scaled).</summary>
    public Task<JsonElement> WaitForStatsAsync(Func<JsonElement, bool> condition, double seconds = 10) =>
        Eventually.ValueAsync(StatsAsync, condition, "the simulator's stats to satisfy the test's condition", TimeSpan.FromSeconds(seconds));

    /// <summary>Chat requests received so far.</summary>
    public async Task<long> ChatRequestsAsync() =>
        (await StatsAsync()).GetProperty("requests").GetProperty("chat_completions").GetInt64();

    /// <summary><c>POST /sim/faults</c>.</summary>
    public async Task SetFaultAsync(string faultJson)
    {
        using var content = new StringContent(faultJson, System.Text.Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync("/sim/faults", content, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Stops the engine: its port refuses connections from then on.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await StopAsync();
    }
}

/// <summary>A node agent; stoppable and restartable with the same configuration.</summary>
public sealed class AgentNode : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _settings;
    private readonly LogSink _logs;
    private ClusterApp<NodeAgentMarker>? _app;

    internal AgentNode(string hostId, Dictionary<string, string?> settings, LogSink logs)
    {
        HostId = hostId;
        _settings = settings;
        _logs = logs;
    }

    public string HostId { get; }

    public bool Running => _app is not null;

    public ClusterApp<NodeAgentMarker> App => _app ?? throw new InvalidOperationException($"Agent {HostId} is stopped.");

    /// <summary>The agent's base URL (no trailing slash), while it runs.</summary>
    public string Url => App.BaseAddress.ToString().TrimEnd('/');

    public void Start() => _app = ClusterApp<NodeAgentMarker>.Start("agent:" + HostId, _settings, _logs);

    /// <summary><c>GET /v1/node/status</c>.</summary>
    public async Task<JsonElement> StatusAsync()
    {
        using var client = App.NewClient(TimeSpan.FromSeconds(10));
        return await client.GetFromJsonAsync<JsonElement>("/v1/node/status", TestContext.Current.CancellationToken);
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}

/// <summary>A real engine process (llama-server or whisper-server, <see cref="Compat.RealEngineServer"/>); killed, not stopped, as a crash would end it.</summary>
public sealed class RealEngineNode : IAsyncDisposable
{
    private int? _pid;

    internal RealEngineNode(string name, int port, int pid)
    {
        Name = name;
        BaseAddress = new Uri("http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture));
        _pid = pid;
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    /// <summary><see cref="BaseAddress"/> without the trailing slash.</summary>
    public string Url => BaseAddress.ToString().TrimEnd('/');

    /// <summary>Kills the server process and waits until it is gone.</summary>
    public void Kill()
    {
        if (_pid is { } pid)
        {
            _pid = null;
            Compat.RealEngineServer.Stop(pid);
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
    }
}
