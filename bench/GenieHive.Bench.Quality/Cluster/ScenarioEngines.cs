using System.Globalization;
using System.Text.Json;
using GenieHive.Bench.Load.Cluster;
using GenieHive.Bench.Quality.Engines;
using GenieHive.Bench.Quality.Scenarios;

namespace GenieHive.Bench.Quality.Cluster;

/// <summary>
/// One scenario's engines on an arm's control plane: one fresh simulator per engine (the scenario's true parameters)
/// and a node agent that discovers them as llama-servers (models and what is loaded, slots, queues) and registers them
/// under the scenario's service ids. Ready when the facade routes to every engine. Stopped (agent first) on dispose;
/// an engine can be killed mid-run.
/// </summary>
internal sealed class ScenarioEngines : IArmCluster, IDisposable
{
    private readonly Scenario _scenario;
    private readonly ControlPlane _plane;
    private readonly RunProcesses _processes;
    private readonly List<ManagedProcess> _started = [];
    private readonly Dictionary<string, (ManagedProcess Process, Uri Url)> _engines = new(StringComparer.Ordinal);
    private readonly HashSet<string> _killed = new(StringComparer.Ordinal);

    private ScenarioEngines(Scenario scenario, ControlPlane plane, RunProcesses processes)
    {
        _scenario = scenario;
        _plane = plane;
        _processes = processes;
    }

    public Uri Facade => _plane.Facade;

    public static async Task<ScenarioEngines> StartAsync(QualitySettings settings, Scenario scenario, ControlPlane plane, RunProcesses processes, string workDir, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(workDir);
        var engines = new ScenarioEngines(scenario, plane, processes);
        try
        {
            await engines.StartAllAsync(settings, workDir, cancellationToken);
            return engines;
        }
        catch
        {
            engines.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Through the facade by service id; where an engine serves several models, to the engine itself (a service id
    /// routes to the service's first loaded model, so it cannot name both the engine and the model).
    /// </summary>
    public (Uri Url, string Model) ClientRoute(EngineProfile engine, string model) =>
        _scenario.ClientArmsDirect ? (_engines[engine.Id].Url, model) : (Facade, _scenario.ServiceId(engine));

    public void Kill(string engineId)
    {
        lock (_killed)
        {
            _killed.Add(engineId);
        }

        _processes.Stop(_engines[engineId].Process);
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

            using var response = await http.GetAsync(new Uri(url, "/sim/stats"), cancellationToken);
            stats[id] = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.Clone();
        }

        return stats;
    }

    public void Dispose()
    {
        // The agent stops before the engines it reports on.
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            _processes.Stop(_started[i]);
        }

        _started.Clear();
    }

    private async Task StartAllAsync(QualitySettings settings, string workDir, CancellationToken cancellationToken)
    {
        using var readiness = new ClusterReadiness(_processes, workDir);
        var simulatorDll = LoopbackPorts.ReleaseDll(settings.RepoRoot, "GenieHive.Simulator", "GenieHive.Simulator");
        var ports = new LoopbackPorts();
        foreach (var engine in _scenario.Engines)
        {
            var url = new Uri(LoopbackPorts.Url(ports.Next()));
            var name = "engine-" + engine.Id;
            var process = _processes.Start(name, simulatorDll, ["--urls", ClusterReadiness.Origin(url), ClusterReadiness.LogTimes, .. engine.SimulatorArguments()], readiness.LogPath(name));
            _started.Add(process);
            _engines[engine.Id] = (process, url);
        }

        var agentArgs = NodeAgentArguments(settings, _plane, LoopbackPorts.Url(ports.Next()), "quality-" + _scenario.Name,
            _scenario.Engines.Select(engine => (_scenario.ServiceId(engine), ClusterReadiness.Origin(_engines[engine.Id].Url))));

        // The agent starts once the engines answer, so that its first discovery finds them all.
        foreach (var (_, url) in _engines.Values)
        {
            await readiness.HealthyAsync(url, cancellationToken);
        }

        _started.Add(_processes.Start("nodeagent", LoopbackPorts.ReleaseDll(settings.RepoRoot, "GenieHive.NodeAgent", "GenieHive.NodeAgent"), agentArgs, readiness.LogPath("nodeagent")));
        await WaitRoutableAsync(readiness, cancellationToken);
    }

    /// <summary>
    /// A node agent's command line: on <paramref name="url"/>, reporting to the arm's Control as <paramref name="hostId"/>,
    /// with one chat service per (service id, engine origin) that it discovers as a llama-server.
    /// </summary>
    public static List<string> NodeAgentArguments(QualitySettings settings, ControlPlane plane, string url, string hostId, IEnumerable<(string ServiceId, string Endpoint)> services)
    {
        var args = new List<string>
        {
            "--urls", url,
            ClusterReadiness.LogTimes,
            "--services:control:http:0=" + ClusterReadiness.Origin(plane.Control),
            "--GenieHive:Node:HostId=" + hostId,
            "--GenieHive:Node:Address=127.0.0.1",
            "--GenieHive:Node:NodeApiKey=" + ClusterReadiness.NodeKey,
            "--GenieHive:Node:HeartbeatIntervalSeconds=" + settings.HeartbeatSeconds.ToString(CultureInfo.InvariantCulture),
        };
        var index = 0;
        foreach (var (serviceId, endpoint) in services)
        {
            var prefix = "--GenieHive:Node:Services:" + index.ToString(CultureInfo.InvariantCulture) + ":";
            args.Add(prefix + "ServiceId=" + serviceId);
            args.Add(prefix + "Kind=chat");
            args.Add(prefix + "Endpoint=" + endpoint);
            args.Add(prefix + "Discover=llamacpp");
            index++;
        }

        return args;
    }

    // Registered with every model discovered, measured by the facade, then routable through it.
    private Task WaitRoutableAsync(ClusterReadiness readiness, CancellationToken cancellationToken) =>
        readiness.ServicesReadyAsync(Facade, _scenario.Engines.ToDictionary(e => _scenario.ServiceId(e), e => e.Models.Count, StringComparer.Ordinal), cancellationToken);
}
