using System.Globalization;
using System.Net;
using System.Text;

namespace GenieHive.Bench.Load.Cluster;

/// <summary>
/// Everything a run measures, started by hand from the Release builds (no Aspire): three simulator upstreams
/// (zero latency; 20 ms to first token; slow streams), Control with a temporary SQLite file, one node agent
/// that registers the three, the facade, and a bare YARP forwarder in front of the first two simulators.
/// </summary>
internal sealed class BenchCluster : IDisposable
{
    public const string ClientKey = "bench-key";
    public const string NodeKey = "bench-node-key";
    public const string FastModel = "bench-fast";
    public const string TtftModel = "bench-ttft";
    public const string SlowModel = "bench-slow";

    /// <summary>The role of <c>bench-roles.yaml</c>: a system prompt and body defaults, so request policy runs; only
    /// <see cref="FastModel"/> has the context it requires.</summary>
    public const string Role = "bench-assistant";

    /// <summary>Context of the fast simulator (large request bodies fit) and the minimum the role requires.</summary>
    public const int FastContextTokens = 65_536;

    private readonly List<ManagedProcess> _processes = [];
    private readonly LoopbackPorts _ports = new();

    private BenchCluster(string logDir)
    {
        LogDir = logDir;
    }

    public string LogDir { get; }

    public IPEndPoint SimFast { get; private set; } = null!;
    public IPEndPoint SimTtft { get; private set; } = null!;
    public IPEndPoint SimSlow { get; private set; } = null!;
    public IPEndPoint Control { get; private set; } = null!;
    public IPEndPoint Facade { get; private set; } = null!;

    /// <summary>The key benchmark requests present: the configured one, or the named key of <c>--named-key</c>.</summary>
    public string FacadeKey { get; private set; } = ClientKey;
    public IPEndPoint ForwarderFast { get; private set; } = null!;
    public IPEndPoint ForwarderTtft { get; private set; } = null!;

    public ManagedProcess FacadeProcess { get; private set; } = null!;
    public ManagedProcess ForwarderFastProcess { get; private set; } = null!;
    public ManagedProcess SimFastProcess { get; private set; } = null!;

    /// <summary>Port of the facade's in-process probe (allocations, GC heap).</summary>
    public int FacadeProbePort { get; private set; }

    /// <summary>Port of the bare forwarder's in-process probe.</summary>
    public int ForwarderProbePort { get; private set; }

    public static async Task<BenchCluster> StartAsync(BenchSettings settings, string logDir, Action<string> log, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(logDir);
        var cluster = new BenchCluster(logDir);
        try
        {
            await cluster.StartAllAsync(settings, log, cancellationToken);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>The CPU seconds used so far by every service, by name.</summary>
    public IReadOnlyDictionary<string, double> CpuSeconds() =>
        _processes.Where(p => !p.HasExited).ToDictionary(p => p.Name, p => p.CpuSeconds(), StringComparer.Ordinal);

    public void Dispose()
    {
        // Reverse order: the facade and the agent stop before what they talk to.
        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            _processes[i].Dispose();
        }

        _processes.Clear();
    }

    private async Task StartAllAsync(BenchSettings settings, Action<string> log, CancellationToken cancellationToken)
    {
        var repo = settings.RepoRoot;
        var simulatorDll = Dll(repo, "GenieHive.Simulator", "GenieHive.Simulator");
        var controlDll = Dll(repo, "GenieHive.Control", "GenieHive.Control");
        var agentDll = Dll(repo, "GenieHive.NodeAgent", "GenieHive.NodeAgent");
        var facadeDll = Dll(repo, "GenieHive.Facade", "GenieHive.Facade");
        var forwarderDll = Dll(repo, Path.Combine("bench", "BareForwarder"), "GenieHive.Bench.BareForwarder");
        var probeDll = Dll(repo, Path.Combine("bench", "GenieHive.Bench.Probe"), "GenieHive.Bench.Probe");

        SimFast = FreeEndPoint();
        SimTtft = FreeEndPoint();
        SimSlow = FreeEndPoint();
        Control = FreeEndPoint();
        var agent = FreeEndPoint();
        Facade = FreeEndPoint();
        ForwarderFast = FreeEndPoint();
        ForwarderTtft = FreeEndPoint();
        FacadeProbePort = FreeEndPoint().Port;
        ForwarderProbePort = FreeEndPoint().Port;
        var forwarderTtftProbePort = FreeEndPoint().Port;

        // The upstreams log only warnings: they serve all three targets alike and should spend their cycles serving.
        var quiet = new Dictionary<string, string?>();
        SimFastProcess = StartSimulator("sim-fast", simulatorDll, SimFast, FastModel, ttftMs: 0, tokensPerSecond: 0, slots: 1024, FastContextTokens, quiet);
        StartSimulator("sim-ttft", simulatorDll, SimTtft, TtftModel, settings.TtftUpstreamMs, settings.TtftUpstreamTokensPerSecond, slots: 256, 4096, quiet);
        StartSimulator("sim-slow", simulatorDll, SimSlow, SlowModel, ttftMs: 0, tokensPerSecond: 5, slots: 1024, 4096, quiet);

        var database = Path.Combine(LogDir, "geniehive.sqlite3");
        var roles = Path.Combine(repo, "bench", "GenieHive.Bench.Load", "bench-roles.yaml");
        string[] clientKeys = settings.NoAuth ? [] : ["--GenieHive:Auth:ClientApiKeys:0=" + ClientKey];
        Add(ManagedProcess.Start("control", controlDll,
            [
                "--urls", Url(Control),
                "--ConnectionStrings:geniehive=Data Source=" + database,
                .. clientKeys,
                "--GenieHive:Auth:NodeApiKeys:0=" + NodeKey,
                "--GenieHive:Roles:Path=" + roles,
            ],
            quiet, LogPath("control")));

        var agentArgs = new List<string>
        {
            "--urls", Url(agent),
            "--services:control:http:0=" + Url(Control),
            "--GenieHive:Node:HostId=bench-host",
            "--GenieHive:Node:Address=127.0.0.1",
            "--GenieHive:Node:NodeApiKey=" + NodeKey,
        };
        var index = 0;
        foreach (var (model, endPoint, context) in new[] { (FastModel, SimFast, FastContextTokens), (TtftModel, SimTtft, 4096), (SlowModel, SimSlow, 4096) })
        {
            var prefix = "--GenieHive:Node:Services:" + index.ToString(CultureInfo.InvariantCulture) + ":";
            agentArgs.Add(prefix + "ServiceId=" + model + "-svc");
            agentArgs.Add(prefix + "Kind=chat");
            agentArgs.Add(prefix + "Endpoint=" + Url(endPoint));
            agentArgs.Add(prefix + "Discover=none");
            agentArgs.Add(prefix + "Assets:0:AssetId=" + model);
            agentArgs.Add(prefix + "Assets:0:Loaded=true");
            agentArgs.Add(prefix + "Assets:0:ContextSize=" + context.ToString(CultureInfo.InvariantCulture));
            index++;
        }

        Add(ManagedProcess.Start("nodeagent", agentDll, agentArgs, quiet, LogPath("nodeagent")));

        // The facade and the forwarder get the same runtime settings, and the probe.
        var facadeEnv = MeasuredEnvironment(settings, probeDll, FacadeProbePort);
        foreach (var (key, value) in settings.FacadeEnvironment)
        {
            facadeEnv[key] = value;
        }

        FacadeProcess = Add(ManagedProcess.Start("facade", facadeDll,
            [
                "--urls", Url(Facade),
                "--services:control:http:0=" + Url(Control),
                .. clientKeys,
            ],
            facadeEnv, LogPath("facade")));

        ForwarderFastProcess = Add(ManagedProcess.Start("forwarder-fast", forwarderDll,
            ["--urls", Url(ForwarderFast), "--Forwarder:Upstream=" + Url(SimFast)],
            MeasuredEnvironment(settings, probeDll, ForwarderProbePort), LogPath("forwarder-fast")));
        Add(ManagedProcess.Start("forwarder-ttft", forwarderDll,
            ["--urls", Url(ForwarderTtft), "--Forwarder:Upstream=" + Url(SimTtft)],
            MeasuredEnvironment(settings, probeDll, forwarderTtftProbePort), LogPath("forwarder-ttft")));

        await File.WriteAllLinesAsync(Path.Combine(LogDir, "pids"), _processes.Select(p => p.Id.ToString(CultureInfo.InvariantCulture)), cancellationToken);
        log("started " + string.Join(", ", _processes.Select(p => p.Name + "=" + p.Id.ToString(CultureInfo.InvariantCulture))));

        await WaitReadyAsync(settings.NamedKey, log, cancellationToken);
    }

    private ManagedProcess StartSimulator(string name, string dll, IPEndPoint endPoint, string model, int ttftMs, double tokensPerSecond, int slots, int contextTokens, Dictionary<string, string?> environment) =>
        Add(ManagedProcess.Start(name, dll,
            [
                "--urls", Url(endPoint),
                "--Simulator:ChatModels:0=" + model,
                "--Simulator:TimeToFirstTokenMs=" + ttftMs.ToString(CultureInfo.InvariantCulture),
                "--Simulator:TokensPerSecond=" + tokensPerSecond.ToString(CultureInfo.InvariantCulture),
                "--Simulator:Slots=" + slots.ToString(CultureInfo.InvariantCulture),
                "--Simulator:LatencyMs=0",
                "--Simulator:ContextSize=" + contextTokens.ToString(CultureInfo.InvariantCulture),
                "--Logging:LogLevel:Default=Warning",
            ],
            environment, LogPath(name)));

    private static Dictionary<string, string?> MeasuredEnvironment(BenchSettings settings, string probeDll, int probePort)
    {
        var environment = new Dictionary<string, string?>(settings.GcEnvironment());
        foreach (var (key, value) in settings.RuntimeEnvironment)
        {
            environment[key] = value;
        }

        environment = new Dictionary<string, string?>(environment)
        {
            ["DOTNET_STARTUP_HOOKS"] = probeDll,
            ["GENIEHIVE_BENCH_PROBE_PORT"] = probePort.ToString(CultureInfo.InvariantCulture),
        };
        return environment;
    }

    private async Task WaitReadyAsync(bool namedKey, Action<string> log, CancellationToken cancellationToken)
    {
        // Generous: on a busy machine a cold service can take seconds to answer its first request.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        var deadline = DateTime.UtcNow.AddSeconds(180);
        foreach (var (name, endPoint) in new[]
                 {
                     ("sim-fast", SimFast), ("sim-ttft", SimTtft), ("sim-slow", SimSlow), ("control", Control),
                     ("forwarder-fast", ForwarderFast), ("forwarder-ttft", ForwarderTtft), ("facade", Facade),
                 })
        {
            await PollAsync(name + " /health", deadline, async () =>
            {
                using var response = await http.GetAsync(new Uri(Url(endPoint) + "/health"), cancellationToken);
                return response.IsSuccessStatusCode;
            }, cancellationToken);
        }

        // The facade is ready when it routes every model: Control has the agent's registration and the facade the table.
        foreach (var model in new[] { FastModel, TtftModel, SlowModel, Role })
        {
            await PollAsync("facade routes " + model, deadline, async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Url(Facade) + "/v1/chat/completions"))
                {
                    Content = new StringContent("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"ready?\"}],\"max_tokens\":1}", Encoding.UTF8, "application/json"),
                };
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ClientKey);
                using var response = await http.SendAsync(request, cancellationToken);
                return response.IsSuccessStatusCode;
            }, cancellationToken);
        }

        if (namedKey)
        {
            FacadeKey = await CreateNamedKeyAsync(http, deadline, cancellationToken);
        }

        log("cluster ready");
    }

    /// <summary>
    /// A named key with the inference scope and per-minute limits far above any load here (so every request runs the
    /// limit counting but none is refused), created on Control and waited for until the facade's key watch has it.
    /// </summary>
    private async Task<string> CreateNamedKeyAsync(HttpClient http, DateTime deadline, CancellationToken cancellationToken)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, new Uri(Url(Control) + "/v1/admin/keys"))
        {
            Content = new StringContent("""{"name":"bench","scopes":["inference"],"requests_per_minute":1000000000,"tokens_per_minute":1000000000000}""", Encoding.UTF8, "application/json"),
        };
        create.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ClientKey);
        using var created = await http.SendAsync(create, cancellationToken);
        created.EnsureSuccessStatusCode();
        using var document = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync(cancellationToken));
        var key = document.RootElement.GetProperty("key").GetString()!;
        await PollAsync("facade accepts the named key", deadline, async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Url(Facade) + "/v1/models"));
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            using var response = await http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode;
        }, cancellationToken);
        return key;
    }

    private async Task PollAsync(string what, DateTime deadline, Func<Task<bool>> check, CancellationToken cancellationToken)
    {
        try
        {
            await ServiceReadiness.PollAsync(what, deadline, _processes, LogPath, check, TimeSpan.FromMilliseconds(200), cancellationToken);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + "; logs in " + LogDir, ex);
        }
    }

    private ManagedProcess Add(ManagedProcess process)
    {
        _processes.Add(process);
        return process;
    }

    private string LogPath(string name) => Path.Combine(LogDir, name + ".log");

    public static string Url(IPEndPoint endPoint) => LoopbackPorts.Url(endPoint);

    private static string Dll(string repo, string projectDir, string assembly) => LoopbackPorts.ReleaseDll(repo, projectDir, assembly);

    private IPEndPoint FreeEndPoint() => _ports.Next();
}
