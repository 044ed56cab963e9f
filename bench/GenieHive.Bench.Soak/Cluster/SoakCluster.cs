using System.Globalization;
using GenieHive.Bench.Load.Cluster;
using GenieHive.Bench.Soak.Fleet;

namespace GenieHive.Bench.Soak.Cluster;

/// <summary>
/// What the soak test drives, started by hand from the Release builds (no Aspire, no node agent: the harness plays the
/// 200 agents itself): two simulators serving the traffic hosts' chat and embedding models, Control with a fresh
/// SQLite file in the run's work folder (or on the PostgreSQL database soak.sh started), and the facade following
/// Control. Control and the facade carry the
/// in-process probe (bench/GenieHive.Bench.Probe) so that their GC heap is sampled beside their RSS, and their
/// routing-watch byte counters read (<see cref="Scale.WatchCostMeter"/>). Processes are
/// started with the benchmark harness's <see cref="ManagedProcess"/> and stopped, with their trees, on dispose.
/// </summary>
internal sealed class SoakCluster : IDisposable
{
    private readonly List<ManagedProcess> _processes = [];

    private SoakCluster(string workDir, SoakStore store)
    {
        WorkDir = workDir;
        Database = store == SoakStore.Sqlite ? Path.Combine(workDir, "geniehive.sqlite3") : null;
    }

    /// <summary>The run's work folder: the SQLite file, each service's log and the pids file soak.sh cleans up from.</summary>
    public string WorkDir { get; }

    /// <summary>Control's SQLite file; null on PostgreSQL.</summary>
    public string? Database { get; }

    public Uri Control { get; private set; } = null!;

    public Uri Facade { get; private set; } = null!;

    public IReadOnlyList<Uri> Simulators { get; private set; } = [];

    public ManagedProcess ControlProcess { get; private set; } = null!;

    public ManagedProcess FacadeProcess { get; private set; } = null!;

    public int ControlProbePort { get; private set; }

    public int FacadeProbePort { get; private set; }

    public string LogPath(string name) => Path.Combine(WorkDir, name + ".log");

    public static async Task<SoakCluster> StartAsync(SoakSettings settings, string workDir, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(workDir);
        var cluster = new SoakCluster(workDir, settings.Store);
        try
        {
            await cluster.StartAllAsync(settings, cancellationToken);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        // Reverse order: the facade stops before Control, Control before the simulators.
        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            _processes[i].Dispose();
        }

        _processes.Clear();
    }

    private async Task StartAllAsync(SoakSettings settings, CancellationToken cancellationToken)
    {
        var repo = settings.RepoRoot;
        var simulatorDll = LoopbackPorts.ReleaseDll(repo, "GenieHive.Simulator", "GenieHive.Simulator");
        var controlDll = LoopbackPorts.ReleaseDll(repo, "GenieHive.Control", "GenieHive.Control");
        var facadeDll = LoopbackPorts.ReleaseDll(repo, "GenieHive.Facade", "GenieHive.Facade");
        var probeDll = LoopbackPorts.ReleaseDll(repo, Path.Combine("bench", "GenieHive.Bench.Probe"), "GenieHive.Bench.Probe");
        var roles = Path.Combine(repo, "bench", "GenieHive.Bench.Soak", "soak-roles.yaml");

        var ports = new LoopbackPorts();
        var simulators = new List<Uri>();
        for (var i = 0; i < settings.SimulatorCount; i++)
        {
            var endPoint = ports.Next();
            var name = "sim-" + i.ToString(CultureInfo.InvariantCulture);
            Add(ManagedProcess.Start(name, simulatorDll,
                [
                    "--urls", LoopbackPorts.Url(endPoint),
                    "--Simulator:ChatModels:0=" + FleetPlan.ChatModel,
                    "--Simulator:EmbeddingModels:0=" + FleetPlan.EmbeddingModel,
                    "--Simulator:TimeToFirstTokenMs=5",
                    "--Simulator:TokensPerSecond=400",
                    "--Simulator:Slots=64",
                    "--Simulator:LatencyMs=0",
                    // They serve the traffic, they are not under test: warnings only.
                    "--Logging:LogLevel:Default=Warning",
                ],
                new Dictionary<string, string?>(), LogPath(name)));
            simulators.Add(new Uri(LoopbackPorts.Url(endPoint)));
        }

        Simulators = simulators;
        var control = ports.Next();
        var facade = ports.Next();
        ControlProbePort = ports.Next().Port;
        FacadeProbePort = ports.Next().Port;
        Control = new Uri(LoopbackPorts.Url(control));
        Facade = new Uri(LoopbackPorts.Url(facade));

        // Control and the facade log as shipped (Information), so the log scan sees what an operator would.
        ControlProcess = Add(ManagedProcess.Start("control", controlDll,
            [
                "--urls", LoopbackPorts.Url(control),
                .. StoreArguments(settings),
                "--GenieHive:Auth:ClientApiKeys:0=" + settings.ClientKey,
                "--GenieHive:Auth:NodeApiKeys:0=" + settings.NodeKey,
                "--GenieHive:Roles:Path=" + roles,
                "--GenieHive:Routing:HostTimeoutSeconds=" + settings.HostTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
            ],
            ProbeEnvironment(probeDll, ControlProbePort, Scale.WatchCostMeter.ControlSentCounter), LogPath("control")));

        FacadeProcess = Add(ManagedProcess.Start("facade", facadeDll,
            [
                "--urls", LoopbackPorts.Url(facade),
                "--services:control:http:0=" + LoopbackPorts.Url(control),
                "--GenieHive:Auth:ClientApiKeys:0=" + settings.ClientKey,
            ],
            ProbeEnvironment(probeDll, FacadeProbePort, Scale.WatchCostMeter.FacadeReadCounter), LogPath("facade")));

        await File.WriteAllLinesAsync(Path.Combine(WorkDir, "pids"), _processes.Select(p => p.Id.ToString(CultureInfo.InvariantCulture)), cancellationToken);
        Console.WriteLine("soak: started " + string.Join(", ", _processes.Select(p => p.Name + "=" + p.Id.ToString(CultureInfo.InvariantCulture))) + "; logs in " + WorkDir);
        await WaitHealthyAsync(cancellationToken);
    }

    private string[] StoreArguments(SoakSettings settings) => settings.Store switch
    {
        SoakStore.Postgres => ["--GenieHive:Storage:Provider=postgres", "--ConnectionStrings:geniehive=" + settings.PostgresConnectionString],
        _ => ["--ConnectionStrings:geniehive=Data Source=" + Database],
    };

    private static Dictionary<string, string?> ProbeEnvironment(string probeDll, int port, string counter) => new()
    {
        ["DOTNET_STARTUP_HOOKS"] = probeDll,
        ["GENIEHIVE_BENCH_PROBE_PORT"] = port.ToString(CultureInfo.InvariantCulture),
        ["GENIEHIVE_BENCH_PROBE_COUNTERS"] = counter,
    };

    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        // Generous: on a busy machine a cold service can take many seconds to answer its first request.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow.AddSeconds(180);
        foreach (var url in Simulators.Append(Control).Append(Facade))
        {
            while (true)
            {
                if (_processes.FirstOrDefault(p => p.HasExited) is { } dead)
                {
                    dead.Dispose();
                    var tail = string.Join(Environment.NewLine, File.ReadLines(LogPath(dead.Name)).TakeLast(15));
                    throw new InvalidOperationException(dead.Name + " exited during start-up; see " + LogPath(dead.Name) + Environment.NewLine + tail);
                }

                try
                {
                    using var response = await http.GetAsync(new Uri(url, "/health"), cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    // Not up yet.
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException(url + " did not become healthy within 180 s.");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
    }

    private ManagedProcess Add(ManagedProcess process)
    {
        _processes.Add(process);
        return process;
    }
}
