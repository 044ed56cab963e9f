using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GenieHive.Bench.Load.Cluster;
using GenieHive.Bench.Quality.Arms;
using GenieHive.Bench.Quality.Engines;
using GenieHive.Bench.Quality.Scenarios;

namespace GenieHive.Bench.Quality.Cluster;

/// <summary>
/// A fresh cluster for one arm of one scenario, started by hand from the Release builds (no Aspire): one simulator per
/// engine, Control with a new SQLite file and the arm's strategy, one node agent that discovers the engines as
/// llama-servers (their models, what is loaded, slots and queues), and the facade. Every process is stopped, with its
/// tree, on dispose; an engine can be killed mid-run.
/// </summary>
internal sealed class QualityCluster : IArmCluster, IDisposable
{
    public const string ClientKey = "quality-key";
    public const string NodeKey = "quality-node-key";

    private readonly List<ManagedProcess> _processes = [];
    private readonly Dictionary<string, (ManagedProcess Process, Uri Url)> _engines = new(StringComparer.Ordinal);
    private readonly HashSet<string> _killed = new(StringComparer.Ordinal);

    private readonly string _pidsFile;
    private readonly bool _clientArmsDirect;

    private QualityCluster(string workDir, string pidsFile, bool clientArmsDirect)
    {
        WorkDir = workDir;
        _pidsFile = pidsFile;
        _clientArmsDirect = clientArmsDirect;
    }

    /// <summary>The arm's folder: the SQLite file and each service's log.</summary>
    public string WorkDir { get; }

    public Uri Facade { get; private set; } = null!;

    /// <summary>
    /// Through the facade by service id; where an engine serves several models, to the engine itself (a service id
    /// routes to the service's first loaded model, so it cannot name both the engine and the model).
    /// </summary>
    public (Uri Url, string Model) ClientRoute(EngineProfile engine, string model) =>
        _clientArmsDirect ? (_engines[engine.Id].Url, model) : (Facade, engine.Id);

    /// <summary>
    /// Starts the arm's cluster in <paramref name="workDir"/>, writing the pids of what it started to
    /// <paramref name="pidsFile"/> (what bench/harness.sh stops if the harness is killed).
    /// </summary>
    public static async Task<QualityCluster> StartAsync(QualitySettings settings, Scenario scenario, ArmDefinition arm, string workDir, string pidsFile, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(workDir);
        var cluster = new QualityCluster(workDir, pidsFile, scenario.ClientArmsDirect);
        try
        {
            await cluster.StartAllAsync(settings, scenario, arm, cancellationToken);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Kills an engine's simulator (its streams break, its port refuses from then on).</summary>
    public void Kill(string engineId)
    {
        lock (_killed)
        {
            _killed.Add(engineId);
        }

        _engines[engineId].Process.Dispose();
    }

    /// <summary>The <c>/sim/stats</c> of every engine still running, by engine id.</summary>
    public async Task<IReadOnlyDictionary<string, JsonElement>> EngineStatsAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var stats = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (id, (_, url)) in _engines)
        {
            lock (_killed)
            {
                if (_killed.Contains(id))
                {
                    continue;
                }
            }

            try
            {
                using var response = await http.GetAsync(new Uri(url, "/sim/stats"), cancellationToken);
                stats[id] = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.Clone();
            }
            catch (HttpRequestException)
            {
                // Gone (it crashed): nothing to read.
            }
        }

        return stats;
    }

    public void Dispose()
    {
        // Reverse order: the facade and the agent stop before what they talk to.
        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            _processes[i].Dispose();
        }

        _processes.Clear();
    }

    private async Task StartAllAsync(QualitySettings settings, Scenario scenario, ArmDefinition arm, CancellationToken cancellationToken)
    {
        var repo = settings.RepoRoot;
        var simulatorDll = LoopbackPorts.ReleaseDll(repo, "GenieHive.Simulator", "GenieHive.Simulator");
        var controlDll = LoopbackPorts.ReleaseDll(repo, "GenieHive.Control", "GenieHive.Control");
        var agentDll = LoopbackPorts.ReleaseDll(repo, "GenieHive.NodeAgent", "GenieHive.NodeAgent");
        var facadeDll = LoopbackPorts.ReleaseDll(repo, "GenieHive.Facade", "GenieHive.Facade");
        var ports = new LoopbackPorts();
        var none = new Dictionary<string, string?>();

        foreach (var engine in scenario.Engines)
        {
            var endPoint = ports.Next();
            var url = new Uri(LoopbackPorts.Url(endPoint));
            var process = Add(ManagedProcess.Start("engine-" + engine.Id, simulatorDll, ["--urls", Origin(url), LogTimes, .. engine.SimulatorArguments()], none, LogPath("engine-" + engine.Id)));
            _engines[engine.Id] = (process, url);
        }

        var control = new Uri(LoopbackPorts.Url(ports.Next()));
        var agent = new Uri(LoopbackPorts.Url(ports.Next()));
        Facade = new Uri(LoopbackPorts.Url(ports.Next()));
        Add(ManagedProcess.Start("control", controlDll,
            [
                "--urls", Origin(control),
                LogTimes,
                "--ConnectionStrings:geniehive=Data Source=" + Path.Combine(WorkDir, "geniehive.sqlite3"),
                "--GenieHive:Auth:ClientApiKeys:0=" + ClientKey,
                "--GenieHive:Auth:NodeApiKeys:0=" + NodeKey,
                "--GenieHive:Routing:Strategy=" + (arm.Strategy ?? "scored"),
                .. Settings(arm.Control),
                .. Settings(settings.ControlSettings),
            ],
            none, LogPath("control")));

        var agentArgs = new List<string>
        {
            "--urls", Origin(agent),
            LogTimes,
            "--services:control:http:0=" + Origin(control),
            "--GenieHive:Node:HostId=quality-host",
            "--GenieHive:Node:Address=127.0.0.1",
            "--GenieHive:Node:NodeApiKey=" + NodeKey,
            "--GenieHive:Node:HeartbeatIntervalSeconds=" + settings.HeartbeatSeconds.ToString(CultureInfo.InvariantCulture),
        };
        var index = 0;
        foreach (var engine in scenario.Engines)
        {
            var prefix = "--GenieHive:Node:Services:" + index.ToString(CultureInfo.InvariantCulture) + ":";
            agentArgs.Add(prefix + "ServiceId=" + engine.Id);
            agentArgs.Add(prefix + "Kind=chat");
            agentArgs.Add(prefix + "Endpoint=" + Origin(_engines[engine.Id].Url));
            agentArgs.Add(prefix + "Discover=llamacpp");
            index++;
        }

        // The agent and the facade start once Control answers: both would otherwise wait out a retry interval.
        await WritePidsAsync(cancellationToken);
        using var http = ReadinessClient();
        var deadline = DateTime.UtcNow.AddSeconds(180);
        await WaitHealthyAsync(http, control, deadline, cancellationToken);
        Add(ManagedProcess.Start("nodeagent", agentDll, agentArgs, none, LogPath("nodeagent")));
        Add(ManagedProcess.Start("facade", facadeDll,
            [
                "--urls", Origin(Facade),
                LogTimes,
                "--services:control:http:0=" + Origin(control),
                "--GenieHive:Auth:ClientApiKeys:0=" + ClientKey,
                .. Settings(arm.Facade),
                .. Settings(settings.FacadeSettings),
            ],
            none, LogPath("facade")));

        await WritePidsAsync(cancellationToken);
        await WaitReadyAsync(http, scenario, deadline, cancellationToken);
    }

    private static HttpClient ReadinessClient()
    {
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ClientKey);
        return http;
    }

    private Task WritePidsAsync(CancellationToken cancellationToken) =>
        File.WriteAllLinesAsync(_pidsFile, _processes.Select(p => p.Id.ToString(CultureInfo.InvariantCulture)), cancellationToken);

    private Task WaitHealthyAsync(HttpClient http, Uri url, DateTime deadline, CancellationToken cancellationToken) =>
        PollAsync(url + "health", deadline, async () =>
        {
            using var response = await http.GetAsync(new Uri(url, "/health"), cancellationToken);
            return response.IsSuccessStatusCode;
        }, cancellationToken);

    private async Task WaitReadyAsync(HttpClient http, Scenario scenario, DateTime deadline, CancellationToken cancellationToken)
    {
        foreach (var url in _engines.Values.Select(e => e.Url).Append(Facade))
        {
            await WaitHealthyAsync(http, url, deadline, cancellationToken);
        }

        // Registered with every model discovered, then routable: one token through the facade from each engine.
        await PollAsync("every engine registered with its models", deadline, async () =>
        {
            using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri(Facade, "/v1/cluster/services"), cancellationToken));
            var registered = document.RootElement.GetProperty("data").EnumerateArray()
                .ToDictionary(s => s.GetProperty("service_id").GetString()!, s => s.GetProperty("assets").GetArrayLength(), StringComparer.Ordinal);
            return scenario.Engines.All(e => registered.TryGetValue(e.Id, out var assets) && assets == e.Models.Count);
        }, cancellationToken);

        foreach (var engine in scenario.Engines)
        {
            await PollAsync("facade routes " + engine.Id, deadline, async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Facade, "/v1/chat/completions"))
                {
                    Content = new StringContent("{\"model\":\"" + engine.Id + "\",\"messages\":[{\"role\":\"user\",\"content\":\"ready?\"}],\"max_tokens\":1}", Encoding.UTF8, "application/json"),
                };
                using var response = await http.SendAsync(request, cancellationToken);
                return response.IsSuccessStatusCode;
            }, cancellationToken);
        }
    }

    private Task PollAsync(string what, DateTime deadline, Func<Task<bool>> check, CancellationToken cancellationToken) =>
        ServiceReadiness.PollAsync(what + " (logs in " + WorkDir + ")", deadline, _processes, LogPath, check, TimeSpan.FromMilliseconds(100), cancellationToken);

    // Every service's log lines carry the time, so that a run can be read back against the trace.
    private static readonly string LogTimes = "--Logging:Console:FormatterOptions:TimestampFormat=HH:mm:ss.fff ";

    private static IEnumerable<string> Settings(IReadOnlyDictionary<string, string> settings) =>
        settings.Select(setting => "--" + setting.Key + "=" + setting.Value);

    private static string Origin(Uri url) => url.GetLeftPart(UriPartial.Authority);

    private ManagedProcess Add(ManagedProcess process)
    {
        _processes.Add(process);
        return process;
    }

    private string LogPath(string name) => Path.Combine(WorkDir, name + ".log");
}
