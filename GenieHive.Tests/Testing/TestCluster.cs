using System.Globalization;
using System.Net.Http.Headers;
using GenieHive.Contracts.Nodes;
using GenieHive.Facade;
using GenieHive.Simulator;
using GenieHive.Tests.Benchmarks;

namespace GenieHive.Tests.Testing;

/// <summary>
/// The one in-process GenieHive cluster of the test suite, every part real and talking HTTP over loopback: Control (its
/// own SQLite file), the facade, and as many simulated engines, real llama-servers, node agents, extra facades and
/// benchmarkers as the test starts. Hosts join through a node agent (<see cref="StartAgentAsync"/>) or are registered
/// by the test as an agent would (<see cref="RegisterAsync"/>). Client and node auth are on, with separate keys.
/// Disposing stops everything and deletes the files.
/// </summary>
/// <remarks>
/// A new test starts one with <c>await using var cluster = await TestCluster.StartAsync(options);</c>, or shares one
/// through a fixture that does so in <c>InitializeAsync</c>; <see cref="ClusterOptions"/> holds the knobs.
/// </remarks>
public sealed class TestCluster : IAsyncDisposable
{
    public const string ClientKey = "test-client-7f3a9c2e5b";
    public const string NodeKey = "test-node-4d8e1b6f0a";

    private readonly List<IAsyncDisposable> _parts = [];
    private readonly string? _rolesPath;
    private readonly ClusterSettings _settings;
    private HttpClient? _facadeClient;
    private ClusterReader? _reader;

    private TestCluster(ClusterOptions options)
    {
        Options = options;
        if (options.RolesYaml is { } yaml)
        {
            _rolesPath = Path.Combine(Path.GetTempPath(), "geniehive-tests", $"roles-{Guid.NewGuid():N}.yaml");
            Directory.CreateDirectory(Path.GetDirectoryName(_rolesPath)!);
            File.WriteAllText(_rolesPath, yaml);
        }

        _settings = new ClusterSettings(options);
        Control = new ControlNode(_settings.Control(_rolesPath), Logs);
    }

    public ClusterOptions Options { get; }

    public LogSink Logs { get; } = new();

    public ControlNode Control { get; }

    public FacadeNode Facade { get; private set; } = null!;

    /// <summary>Plain HTTP to the facade with the client key as a bearer token (as every SDK sends it).</summary>
    public HttpClient FacadeClient => _facadeClient ??= NewFacadeClient();

    /// <summary>Typed reads of Control's operator API (straight to Control, so they work while the facade is busy).</summary>
    public ClusterReader Cluster => _reader ??= new ClusterReader(this);

    /// <summary>Starts Control and the facade, and waits until the facade routes from Control's routing table.</summary>
    public static async Task<TestCluster> StartAsync(ClusterOptions? options = null)
    {
        var cluster = new TestCluster(options ?? new ClusterOptions());
        try
        {
            cluster._parts.Add(cluster.Control);
            cluster.Control.Start();
            cluster.Facade = new FacadeNode(ClusterApp<FacadeMarker>.Start("facade", cluster._settings.Facade(cluster.Control.Url), cluster.Logs));
            cluster._parts.Add(cluster.Facade);
            await cluster.WaitForControlTableAsync(cluster.Facade, "the facade");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts one more facade on the same Control (its own counters, its own key and routing watches) and waits until it
    /// routes from Control's table; <paramref name="settings"/> are added to the usual facade settings.
    /// </summary>
    public async Task<FacadeNode> StartFacadeAsync(string name, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var facade = new FacadeNode(ClusterApp<FacadeMarker>.Start(name, _settings.Facade(Control.Url, settings), Logs));
        _parts.Add(facade);
        await WaitForControlTableAsync(facade, name);
        return facade;
    }

    /// <summary>Starts a simulated engine (settings are <c>Simulator:*</c> keys without the prefix, over <see cref="ClusterOptions.SimulatorSettings"/>).</summary>
    public SimulatorNode StartSimulator(string name, params (string Key, object Value)[] settings)
    {
        var simulator = new SimulatorNode(name, ClusterApp<SimulatorMarker>.Start("sim:" + name, _settings.Simulator(settings), Logs));
        _parts.Add(simulator);
        return simulator;
    }

    /// <summary>Starts a simulated engine whose first chat model is <paramref name="model"/>.</summary>
    public SimulatorNode StartSimulator(string name, string model, params (string Key, object Value)[] settings) =>
        StartSimulator(name, [("ChatModels:0", model), .. settings]);

    /// <summary>
    /// Starts a real engine from <see cref="Compat.RealEngines.Directory"/> (<paramref name="kind"/> <c>chat</c> or <c>embed</c>
    /// for llama-server, <c>whisper</c> for whisper-server), answering to <paramref name="alias"/>, with
    /// <paramref name="model"/> or the kind's usual model file; killed when the cluster is disposed.
    /// </summary>
    public async Task<RealEngineNode> StartRealEngineAsync(string name, string kind, string? alias, string? model = null)
    {
        var directory = Compat.RealEngines.Directory ?? throw new InvalidOperationException(Compat.RealEngines.SkipReason);
        var port = Compat.RealEngineServer.FreePort();
        var engine = new RealEngineNode(name, port, await Compat.RealEngineServer.StartAsync(directory, kind, port, alias, model));
        lock (_parts)
        {
            // Engines may be started together; each is recorded at once, so a failure of another still kills it.
            _parts.Add(engine);
        }

        return engine;
    }

    /// <summary>Builds a node agent for <paramref name="hostId"/> serving <paramref name="services"/>; <see cref="AgentNode.Start"/> starts it.</summary>
    public AgentNode CreateAgent(string hostId, params ServiceSpec[] services)
    {
        var agent = new AgentNode(hostId, _settings.Agent(Control.Url, hostId, services), Logs);
        _parts.Add(agent);
        return agent;
    }

    /// <summary>Starts a node agent and waits until Control lists its host.</summary>
    public async Task<AgentNode> StartAgentAsync(string hostId, params ServiceSpec[] services)
    {
        var agent = CreateAgent(hostId, services);
        agent.Start();
        await WaitAsync(async () => (await Cluster.HostsAsync()).Any(h => h.HostId == hostId && !h.Status.Stale), $"host {hostId} to register");
        return agent;
    }

    /// <summary>Starts the benchmarker, which claims the runs Control queues and measures them through the facade with the client key.</summary>
    public BenchmarkerApp StartBenchmarker()
    {
        var benchmarker = BenchmarkerApp.Start(Control.Url, Facade.Url, ClientKey);
        _parts.Add(benchmarker);
        return benchmarker;
    }

    /// <summary>Registers a host with the node key (as its node agent would) and waits until the facade routes from the resulting table.</summary>
    public async Task RegisterAsync(HostRegistration registration)
    {
        await Registrations.PostAsync(Control.Url, registration);
        await WaitForControlTableAsync(Facade, "the facade");
    }

    /// <summary>Waits until the facade routes <paramref name="model"/> to exactly the given services (all of them routable).</summary>
    public Task WaitForTargetsAsync(string model, params string[] serviceIds) =>
        WaitAsync(() =>
        {
            var plan = Facade.Routing.Current?.Find(model, "chat");
            var targets = plan?.Targets.Select(t => t.ServiceId).Order(StringComparer.Ordinal).ToArray() ?? [];
            return Task.FromResult(targets.SequenceEqual(serviceIds.Order(StringComparer.Ordinal)));
        }, $"the facade to route {model} to {string.Join(", ", serviceIds)}");

    /// <summary>Waits (bounded) until <paramref name="facade"/> routes from the routing table Control holds now.</summary>
    private async Task WaitForControlTableAsync(FacadeNode facade, string name)
    {
        var version = (await Cluster.RoutingTableAsync()).Version;
        await WaitAsync(() => Task.FromResult(facade.Routing.Current?.Version >= version),
            name + " to route from Control's routing table version " + version.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>A bounded wait on the cluster's background state (20 s, scaled), with its recent warnings in the failure message.</summary>
    private Task WaitAsync(Func<Task<bool>> condition, string what) =>
        Eventually.UntilAsync(condition, what, TimeSpan.FromSeconds(20), () => "Recent warnings:\n" + Logs.Tail());

    private HttpClient NewFacadeClient()
    {
        var client = Facade.App.NewClient(TimeSpan.FromSeconds(60));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ClientKey);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        _facadeClient?.Dispose();
        _reader?.Dispose();

        // Agents first (they would only log failures against a stopped Control), then the rest, newest first.
        for (var i = _parts.Count - 1; i >= 0; i--)
        {
            if (_parts[i] is AgentNode agent)
            {
                await agent.DisposeAsync();
            }
        }

        for (var i = _parts.Count - 1; i >= 0; i--)
        {
            if (_parts[i] is not AgentNode)
            {
                await _parts[i].DisposeAsync();
            }
        }

        if (_rolesPath is not null)
        {
            File.Delete(_rolesPath);
        }

        // Control's SQLite pool keeps the file open past the app's end; the next cluster must not find it locked.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
