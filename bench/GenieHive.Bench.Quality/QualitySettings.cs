using System.Globalization;
using GenieHive.Bench.Quality.Arms;

namespace GenieHive.Bench.Quality;

/// <summary>What one routing-quality run measures; <see cref="Parse"/> reads the command line (bench/quality.sh passes it on).</summary>
internal sealed record QualitySettings
{
    /// <summary>The repository root (its Release builds are what runs).</summary>
    public required string RepoRoot { get; init; }

    /// <summary>Where <c>quality-&lt;timestamp&gt;.json</c>, <c>.md</c>, the chart and the services' logs go.</summary>
    public required string ResultsDir { get; init; }

    /// <summary>Shorter traces (about a third of the full run's time).</summary>
    public bool Quick { get; init; }

    /// <summary>Seeds every scenario's trace (and the random arm): the same seed replays the same traces.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Scenarios to run (all by default).</summary>
    public IReadOnlySet<string>? Scenarios { get; init; }

    /// <summary>The arms, from <c>arms.json</c> (or <c>--arms-file</c>), filtered by <c>--arms</c>, plus <c>--arm</c>s.</summary>
    public required IReadOnlyList<ArmDefinition> Arms { get; init; }

    /// <summary>Settings for Control in every arm (<c>--control-setting Key=Value</c>, configuration keys).</summary>
    public IReadOnlyDictionary<string, string> ControlSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Settings for the facade in every arm (<c>--facade-setting Key=Value</c>).</summary>
    public IReadOnlyDictionary<string, string> FacadeSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>A run's JSON whose chart to draw again (<c>--chart FILE</c>), instead of running.</summary>
    public string? ChartOf { get; init; }

    /// <summary>The node agent's heartbeat (and discovery) interval, seconds; the shipped default is 5.</summary>
    public double HeartbeatSeconds { get; init; } = 5;

    /// <summary><c>--real-engines DIR</c>: run the conversations on real llama-servers from tools/real-engines' DIR instead of the scenarios.</summary>
    public string? RealEnginesDir { get; init; }

    /// <summary>A request not answered in full this long after it was sent is a failure (<c>timeout</c>).</summary>
    public double RequestTimeoutSeconds => Quick ? 30 : 60;

    /// <summary>After the last arrival, how long an arm may take to finish what is in flight before the rest is cut (failures).</summary>
    public double DrainSeconds => Quick ? 10 : 20;

    public static QualitySettings Parse(string[] args)
    {
        string? repo = null;
        string? armsFile = null;
        HashSet<string>? scenarios = null;
        HashSet<string>? armNames = null;
        var extraArms = new List<ArmDefinition>();
        var control = new Dictionary<string, string>(StringComparer.Ordinal);
        var facade = new Dictionary<string, string>(StringComparer.Ordinal);
        var quick = false;
        var seed = 1;
        var heartbeat = 5.0;
        string? chart = null;
        string? realEngines = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException(args[i] + " needs a value.");
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--repo":
                    repo = Value();
                    break;
                case "--seed":
                    seed = int.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                case "--scenarios":
                    scenarios = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                    break;
                case "--arms":
                    armNames = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
                    break;
                case "--arm":
                    extraArms.Add(ArmDefinition.Parse(Value()));
                    break;
                case "--arms-file":
                    armsFile = Value();
                    break;
                case "--control-setting":
                    AddSetting(control, Value(), "--control-setting");
                    break;
                case "--facade-setting":
                    AddSetting(facade, Value(), "--facade-setting");
                    break;
                case "--chart":
                    chart = Value();
                    break;
                case "--real-engines":
                    realEngines = Value();
                    break;
                case "--heartbeat-seconds":
                    heartbeat = double.Parse(Value(), CultureInfo.InvariantCulture);
                    break;
                default:
                    throw new ArgumentException("Unknown option " + args[i] + " (see bench/README.md, \"Routing quality\").");
            }
        }

        repo ??= RepositoryRoot();
        var arms = ArmDefinition.Load(armsFile ?? Path.Combine(AppContext.BaseDirectory, "arms.json"))
            .Where(arm => armNames is null || armNames.Contains(arm.Name))
            .Concat(extraArms)
            .ToList();
        if (armNames is not null && armNames.Except(arms.Select(a => a.Name)).FirstOrDefault() is { } unknown)
        {
            throw new ArgumentException("--arms names '" + unknown + "', which is not in the arms file.");
        }

        if (arms.Count == 0)
        {
            throw new ArgumentException("No arm to run.");
        }

        if (arms.GroupBy(a => a.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException("Two arms are named '" + twice.Key + "'.");
        }

        return new QualitySettings
        {
            RepoRoot = repo,
            ResultsDir = Path.Combine(repo, "bench", "results"),
            Quick = quick,
            Seed = seed,
            Scenarios = scenarios,
            Arms = arms,
            ControlSettings = control,
            FacadeSettings = facade,
            HeartbeatSeconds = heartbeat,
            ChartOf = chart,
            RealEnginesDir = realEngines,
        };
    }

    private static void AddSetting(Dictionary<string, string> settings, string text, string option)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new ArgumentException(option + " takes Key=Value, got '" + text + "'.");
        }

        settings[text[..equals]] = text[(equals + 1)..];
    }

    /// <summary>The repository root above the running assembly (where GenieHive.sln is).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GenieHive.sln")))
            {
                return dir.FullName;
            }
        }

        throw new ArgumentException("Could not find the repository root (GenieHive.sln); pass --repo.");
    }
}
