using System.Globalization;

namespace GenieHive.Bench.Soak;

/// <summary>
/// What one soak run drives and where the services are (soak.sh starts them and passes their URLs and process ids).
/// </summary>
internal sealed record SoakSettings
{
    /// <summary>Control's base URL (node API and operator API).</summary>
    public required Uri Control { get; init; }

    /// <summary>The facade's base URL (client traffic).</summary>
    public required Uri Facade { get; init; }

    /// <summary>The simulator upstreams the traffic hosts point at.</summary>
    public required IReadOnlyList<Uri> Simulators { get; init; }

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

    /// <summary>Length of the measured phase (default 5 minutes).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Simulated nodes (default 200).</summary>
    public int Nodes { get; init; } = 200;

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
        Uri? control = null;
        Uri? facade = null;
        var simulators = new List<Uri>();
        var settings = new SoakSettings { Control = new Uri("http://127.0.0.1"), Facade = new Uri("http://127.0.0.1"), Simulators = [] };
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException("Missing value after " + name + ".");
            settings = name switch
            {
                "--control" => settings with { Control = control = ParseUri(Value(), name) },
                "--facade" => settings with { Facade = facade = ParseUri(Value(), name) },
                "--sim" => AddSimulator(settings, simulators, ParseUri(Value(), name)),
                "--control-pid" => settings with { ControlPid = ParseInt(Value(), name, 1) },
                "--facade-pid" => settings with { FacadePid = ParseInt(Value(), name, 1) },
                "--control-probe" => settings with { ControlProbePort = ParseInt(Value(), name, 0) },
                "--facade-probe" => settings with { FacadeProbePort = ParseInt(Value(), name, 0) },
                "--database" => settings with { Database = Value() },
                "--control-log" => settings with { ControlLog = Value() },
                "--facade-log" => settings with { FacadeLog = Value() },
                "--client-key" => settings with { ClientKey = Value() },
                "--node-key" => settings with { NodeKey = Value() },
                "--minutes" => settings with { Duration = TimeSpan.FromMinutes(ParseDouble(Value(), name, 0.05)) },
                "--quick" => settings with { Duration = TimeSpan.FromMinutes(1) },
                "--nodes" => settings with { Nodes = ParseInt(Value(), name, 1) },
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

        if (control is null || facade is null || simulators.Count == 0)
        {
            throw new ArgumentException("--control, --facade and at least one --sim are required (bench/soak.sh passes them).");
        }

        if (settings.TrafficHosts > settings.Nodes)
        {
            throw new ArgumentException("--traffic-hosts cannot exceed --nodes.");
        }

        return settings;
    }

    private static SoakSettings AddSimulator(SoakSettings settings, List<Uri> simulators, Uri simulator)
    {
        simulators.Add(simulator);
        return settings with { Simulators = simulators };
    }

    private static Uri ParseUri(string text, string name)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !uri.IsLoopback)
        {
            throw new ArgumentException(name + " must be an absolute loopback URL (the soak test stays on this machine): " + text);
        }

        return uri;
    }

    private static int ParseInt(string text, string name, int min) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min
            ? value
            : throw new ArgumentException(name + " must be an integer of at least " + min.ToString(CultureInfo.InvariantCulture) + ".");

    private static double ParseDouble(string text, string name, double min) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && double.IsFinite(value)
            ? value
            : throw new ArgumentException(name + " must be a number of at least " + min.ToString(CultureInfo.InvariantCulture) + ".");
}
