using System.Globalization;
using GenieHive.Facade;
using GenieHive.Simulator;

namespace GenieHive.Tests.Scenarios.Cluster;

/// <summary>
/// A whole GenieHive cluster for one scenario, every part real and in process, talking HTTP over loopback:
/// Control (its own SQLite file), the facade, and as many simulated engines and node agents as the test
/// starts. Client and node auth are on, with separate keys. Disposing stops everything and deletes the files.
/// </summary>
public sealed class ScenarioCluster : IAsyncDisposable
{
    public const string ClientKey = "scn-client-7f3a9c2e5b";
    public const string NodeKey = "scn-node-4d8e1b6f0a";

    private readonly List<IAsyncDisposable> _parts = [];
    private readonly string? _rolesPath;
    private HttpClient? _facadeClient;
    private ClusterReader? _reader;

    private ScenarioCluster(ClusterOptions options)
    {
        Options = options;
        if (options.RolesYaml is { } yaml)
        {
            _rolesPath = Path.Combine(Path.GetTempPath(), "geniehive-tests", $"roles-{Guid.NewGuid():N}.yaml");
            Directory.CreateDirectory(Path.GetDirectoryName(_rolesPath)!);
            File.WriteAllText(_rolesPath, yaml);
        }

        var control = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["GenieHive:Auth:ClientApiKeys:0"] = ClientKey,
            ["GenieHive:Auth:NodeApiKeys:0"] = NodeKey,
            ["GenieHive:Roles:Path"] = _rolesPath ?? "",
            ["GenieHive:Routing:Strategy"] = options.Strategy,
            ["GenieHive:Routing:HostTimeoutSeconds"] = options.HostTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
        };
        AddLogging(control, options);
        Merge(control, options.ControlSettings);
        Control = new ControlNode(control, Logs);
    }

    public ClusterOptions Options { get; }

    public LogSink Logs { get; } = new();

    public ControlNode Control { get; }

    public FacadeNode Facade { get; private set; } = null!;

    /// <summary>A client of the facade with the client key (OpenAI API and the re-exposed operator API).</summary>
    public HttpClient FacadeClient => _facadeClient ??= NewFacadeClient();

    /// <summary>Typed reads of Control's operator API (straight to Control, so they work while the facade is busy).</summary>
    public ClusterReader Cluster => _reader ??= new ClusterReader(this);

    /// <summary>Starts Control and the facade, and waits until the facade holds Control's first routing table.</summary>
    public static async Task<ScenarioCluster> StartAsync(ClusterOptions? options = null)
    {
        var cluster = new ScenarioCluster(options ?? new ClusterOptions());
        try
        {
            cluster._parts.Add(cluster.Control);
            cluster.Control.Start();
            var facade = cluster.FacadeSettings();
            cluster.Facade = new FacadeNode(ScenarioApp<FacadeMarker>.Start("facade", facade, cluster.Logs));
            cluster._parts.Add(cluster.Facade);
            await Poll.UntilAsync(() => Task.FromResult(cluster.Facade.Routing.Current is not null), TimeSpan.FromSeconds(20),
                "the facade to receive its first routing table", cluster.Logs);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts one more facade on the same Control (its own counters, its own key and routing watches) and waits for its
    /// first routing table; <paramref name="settings"/> are added to the usual facade settings.
    /// </summary>
    public async Task<FacadeNode> StartFacadeAsync(string name, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var values = FacadeSettings();
        Merge(values, settings ?? new Dictionary<string, string?>());
        var facade = new FacadeNode(ScenarioApp<FacadeMarker>.Start(name, values, Logs));
        _parts.Add(facade);
        await Poll.UntilAsync(() => Task.FromResult(facade.Routing.Current is not null), TimeSpan.FromSeconds(20),
            name + " to receive its first routing table", Logs);
        return facade;
    }

    private Dictionary<string, string?> FacadeSettings()
    {
        var facade = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["services:control:http:0"] = Control.BaseAddress.ToString().TrimEnd('/'),
            ["GenieHive:Auth:ClientApiKeys:0"] = ClientKey,
            ["GenieHive:Cooldown:BaseSeconds"] = Invariant(Options.CooldownBaseSeconds),
            ["GenieHive:Cooldown:MaxSeconds"] = Invariant(Options.CooldownMaxSeconds),
            ["GenieHive:Observations:IntervalSeconds"] = "0.2",
            ["GenieHive:Proxy:ConnectTimeoutSeconds"] = "2",
            ["GenieHive:Proxy:FirstByteTimeoutSeconds"] = Invariant(Options.FirstByteTimeoutSeconds),
            ["GenieHive:Proxy:StreamIdleTimeoutSeconds"] = "10",
        };
        AddLogging(facade, Options);
        Merge(facade, Options.FacadeSettings);
        return facade;
    }

    /// <summary>Starts a simulated engine serving <paramref name="model"/> (settings are <c>Simulator:*</c> keys without the prefix).</summary>
    public SimulatorNode StartSimulator(string name, string model, params (string Key, object Value)[] settings)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Simulator:ChatModels:0"] = model,
            ["Simulator:TimeToFirstTokenMs"] = "5",
            ["Simulator:TokensPerSecond"] = "0",
            ["Simulator:CompletionTokens"] = "8",
            ["Simulator:Slots"] = "16",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
        {
            values["Simulator:" + key] = Convert.ToString(value, CultureInfo.InvariantCulture);
        }

        var simulator = new SimulatorNode(name, ScenarioApp<SimulatorMarker>.Start("sim:" + name, values, Logs));
        _parts.Add(simulator);
        return simulator;
    }

    /// <summary>
    /// Starts a real llama-server for chat from <see cref="Compat.RealEngines.Directory"/>, answering to <paramref name="alias"/>;
    /// killed when the cluster is disposed.
    /// </summary>
    public async Task<RealEngineNode> StartLlamaServerAsync(string name, string alias)
    {
        var directory = Compat.RealEngines.Directory ?? throw new InvalidOperationException(Compat.RealEngines.SkipReason);
        var port = Compat.RealEngineServer.FreePort();
        var engine = new RealEngineNode(name, port, await Compat.RealEngineServer.StartAsync(directory, "chat", port, alias));
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
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["services:control:http:0"] = Control.BaseAddress.ToString().TrimEnd('/'),
            ["GenieHive:Node:HostId"] = hostId,
            ["GenieHive:Node:Address"] = "127.0.0.1",
            ["GenieHive:Node:NodeApiKey"] = NodeKey,
            ["GenieHive:Node:HeartbeatIntervalSeconds"] = Invariant(Options.HeartbeatSeconds),
            ["GenieHive:Node:ProbeTimeoutSeconds"] = "1",
            ["GenieHive:Node:AutoDiscover"] = "false",
        };
        for (var i = 0; i < services.Length; i++)
        {
            var service = services[i];
            var prefix = "GenieHive:Node:Services:" + i.ToString(CultureInfo.InvariantCulture) + ":";
            settings[prefix + "ServiceId"] = service.ServiceId;
            settings[prefix + "Kind"] = service.Kind;
            settings[prefix + "Endpoint"] = service.Endpoint.ToString().TrimEnd('/');
            settings[prefix + "Discover"] = service.Discover;
            if (service.AssetId is { } asset)
            {
                settings[prefix + "Assets:0:AssetId"] = asset;
                settings[prefix + "Assets:0:Loaded"] = "true";
                settings[prefix + "Assets:0:ContextSize"] = "4096";
            }

            foreach (var (key, value) in service.Observed)
            {
                settings[prefix + "Observed:" + key] = value;
            }
        }

        AddLogging(settings, Options);
        Merge(settings, Options.AgentSettings);
        var agent = new AgentNode(hostId, settings, Logs);
        _parts.Add(agent);
        return agent;
    }

    /// <summary>Starts a node agent and waits until Control lists its host.</summary>
    public async Task<AgentNode> StartAgentAsync(string hostId, params ServiceSpec[] services)
    {
        var agent = CreateAgent(hostId, services);
        agent.Start();
        await Poll.UntilAsync(async () => (await Cluster.HostsAsync()).Any(h => h.HostId == hostId && !h.Status.Stale),
            TimeSpan.FromSeconds(20), $"host {hostId} to register", Logs);
        return agent;
    }

    /// <summary>Waits until the facade routes <paramref name="model"/> to exactly the given services (all of them routable).</summary>
    public Task WaitForTargetsAsync(string model, params string[] serviceIds) =>
        Poll.UntilAsync(() =>
        {
            var plan = Facade.Routing.Current?.Find(model, "chat");
            var targets = plan?.Targets.Select(t => t.ServiceId).Order(StringComparer.Ordinal).ToArray() ?? [];
            return Task.FromResult(targets.SequenceEqual(serviceIds.Order(StringComparer.Ordinal)));
        }, TimeSpan.FromSeconds(20), $"the facade to route {model} to {string.Join(", ", serviceIds)}", Logs);

    private HttpClient NewFacadeClient()
    {
        var client = Facade.App.NewClient(TimeSpan.FromSeconds(60));
        client.DefaultRequestHeaders.Add("X-Api-Key", ClientKey);
        return client;
    }

    private static void AddLogging(Dictionary<string, string?> settings, ClusterOptions options)
    {
        var level = options.LogLevel.ToString();
        settings["Logging:LogLevel:Default"] = level;
        settings["Logging:LogLevel:Microsoft.AspNetCore"] = level;
        settings["Logging:LogLevel:System.Net.Http.HttpClient"] = level;
        settings["Logging:LogLevel:Polly"] = level;
    }

    private static void Merge(Dictionary<string, string?> target, IReadOnlyDictionary<string, string?> extra)
    {
        foreach (var (key, value) in extra)
        {
            target[key] = value;
        }
    }

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);

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
    }
}
