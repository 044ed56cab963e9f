using System.Globalization;

namespace GenieHive.Bench.Soak;

/// <summary>Where Control keeps its state in a soak run.</summary>
internal enum SoakStore
{
    Sqlite,
    Postgres,
}

/// <summary>
/// What one soak run drives (from the command line), and where the services it started are (filled in once
/// <see cref="Cluster.SoakCluster"/> has started them).
/// </summary>
internal sealed record SoakSettings
{
    /// <summary>The repository root (soak.sh passes it): where the Release builds and soak-roles.yaml are.</summary>
    public required string RepoRoot { get; init; }

    /// <summary>Simulator processes the traffic hosts' services point at (default 2).</summary>
    public int SimulatorCount { get; init; } = 2;

    /// <summary>Control's base URL (node API and operator API).</summary>
    public Uri Control { get; init; } = new("http://127.0.0.1");

    /// <summary>The facade's base URL (client traffic).</summary>
    public Uri Facade { get; init; } = new("http://127.0.0.1");

    /// <summary>The simulator upstreams the traffic hosts point at.</summary>
    public IReadOnlyList<Uri> Simulators { get; init; } = [];

    public int? ControlPid { get; init; }
    public int? FacadePid { get; init; }

    /// <summary>Ports of the in-process probe (GC heap) in Control and the facade; 0 when absent.</summary>
    public int ControlProbePort { get; init; }
    public int FacadeProbePort { get; init; }

    /// <summary>Control's SQLite file, read at the end to check that the last heartbeat of every host reached the disk.</summary>
    public string? Database { get; init; }

    /// <summary>Control's and the facade's log files, scanned for error lines and stale hosts.</summary>
    public string? ControlLog { get; init; }
    public string? FacadeLog { get; init; }

    public string ClientKey { get; init; } = "soak-key";
    public string NodeKey { get; init; } = "soak-node-key";

    /// <summary>Length of the measured phase (default 3 minutes).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Simulated nodes (default 200).</summary>
    public int Nodes { get; init; } = 200;

    /// <summary>Services on every node (default none given: the soak's one or two per node, two on a traffic host).</summary>
    public int? ServicesPerNode { get; init; }

    /// <summary>Control's store (default SQLite, a fresh file in the run's work folder).</summary>
    public SoakStore Store { get; init; } = SoakStore.Sqlite;

    /// <summary>With <see cref="SoakStore.Postgres"/>: the Npgsql connection string of an empty database (soak.sh starts the server).</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>Nodes whose services point at the real simulators and take the client traffic (default 8).</summary>
    public int TrafficHosts { get; init; } = 8;

    /// <summary>Heartbeat period of every node (default 1 s).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Concurrent clients (default 8).</summary>
    public int Clients { get; init; } = 8;

    /// <summary>Client requests per second, all clients together (default 40): steady traffic, not a saturation test.</summary>
    public double ClientRate { get; init; } = 40;

    /// <summary>Control's <c>HostTimeoutSeconds</c>, for the report (soak.sh sets it).</summary>
    public int HostTimeoutSeconds { get; init; } = 5;

    /// <summary>Memory sampling period; default a sixtieth of the duration, between 2 and 10 seconds.</summary>
    public TimeSpan? SampleInterval { get; init; }

    /// <summary>Where soak-&lt;timestamp&gt;.json and .md go.</summary>
    public string ResultsDirectory { get; init; } = "bench/results";

    /// <summary>The run's name (soak-&lt;timestamp&gt;), shared with soak.sh's work folder.</summary>
    public string RunName { get; init; } = "soak-" + DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The commit under test (soak.sh passes <c>git rev-parse --short HEAD</c>), for the report.</summary>
    public string? Commit { get; init; }

    /// <summary>The command line that started the run, for the report.</summary>
    public string Command { get; init; } = "bench/soak.sh";

    public TimeSpan EffectiveSampleInterval =>
        SampleInterval ?? TimeSpan.FromSeconds(Math.Clamp(Duration.TotalSeconds / 60, 2, 10));

    public static SoakSettings Parse(IReadOnlyList<string> args)
    {
        string? repo = null;
        var settings = new SoakSettings { RepoRoot = "" };
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException("Missing value after " + name + ".");
            settings = name switch
            {
                "--repo" => settings with { RepoRoot = repo = Value() },
                "--simulators" => settings with { SimulatorCount = ParseInt(Value(), name, 1) },
                "--minutes" => settings with { Duration = TimeSpan.FromMinutes(ParseDouble(Value(), name, 0.05)) },
                "--quick" => settings with { Duration = TimeSpan.FromMinutes(1) },
                "--nodes" => settings with { Nodes = ParseInt(Value(), name, 1) },
                "--services-per-node" => settings with { ServicesPerNode = ParseInt(Value(), name, 1) },
                "--store" => settings with { Store = ParseStore(Value()) },
                "--postgres" => settings with { PostgresConnectionString = Value() },
                "--traffic-hosts" => settings with { TrafficHosts = ParseInt(Value(), name, 1) },
                "--heartbeat-ms" => settings with { HeartbeatInterval = TimeSpan.FromMilliseconds(ParseInt(Value(), name, 10)) },
                "--clients" => settings with { Clients = ParseInt(Value(), name, 1) },
                "--client-rate" => settings with { ClientRate = ParseDouble(Value(), name, 0.1) },
                "--host-timeout" => settings with { HostTimeoutSeconds = ParseInt(Value(), name, 1) },
                "--sample-seconds" => settings with { SampleInterval = TimeSpan.FromSeconds(ParseDouble(Value(), name, 0.5)) },
                "--results" => settings with { ResultsDirectory = Value() },
                "--run-name" => settings with { RunName = Value() },
                "--command" => settings with { Command = Value() },
                "--commit" => settings with { Commit = Value() },
                _ => throw new ArgumentException("Unknown option " + name + "."),
            };
        }

        if (repo is null || !File.Exists(Path.Combine(repo, "GenieHive.sln")))
        {
            throw new ArgumentException("--repo must name the repository root (bench/soak.sh passes it).");
        }

        if (settings.TrafficHosts > settings.Nodes)
        {
            throw new ArgumentException("--traffic-hosts cannot exceed --nodes.");
        }

        if (settings.Store == SoakStore.Postgres && string.IsNullOrWhiteSpace(settings.PostgresConnectionString))
        {
            throw new ArgumentException("--store postgres needs --postgres <connection string> (bench/soak.sh starts a server and passes it).");
        }

        return settings;
    }

    private static SoakStore ParseStore(string text) => text switch
    {
        "sqlite" => SoakStore.Sqlite,
        "postgres" => SoakStore.Postgres,
        _ => throw new ArgumentException("--store must be sqlite or postgres."),
    };

    private static int ParseInt(string text, string name, int min) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min
            ? value
            : throw new ArgumentException(name + " must be an integer of at least " + min.ToString(CultureInfo.InvariantCulture) + ".");

    private static double ParseDouble(string text, string name, double min) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && double.IsFinite(value)
            ? value
            : throw new ArgumentException(name + " must be a number of at least " + min.ToString(CultureInfo.InvariantCulture) + ".");
}
