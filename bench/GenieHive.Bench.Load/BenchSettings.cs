using System.Globalization;

namespace GenieHive.Bench.Load;

/// <summary>What one run measures and for how long; <see cref="Parse"/> reads the command line.</summary>
internal sealed record BenchSettings
{
    /// <summary>The repository root (its Release builds are what runs).</summary>
    public required string RepoRoot { get; init; }

    /// <summary>Where <c>&lt;timestamp&gt;.json</c>, <c>.md</c> and the services' logs go.</summary>
    public required string ResultsDir { get; init; }

    /// <summary>The ~2-minute mode: fewer rounds, shorter windows, a shorter BenchmarkDotNet job.</summary>
    public bool Quick { get; init; }

    /// <summary>
    /// Runtime GC settings applied alike to the facade and the bare forwarder: <c>as-built</c> (what their project
    /// files say; the Web SDK's default is server GC with DATAS), <c>server</c>, <c>server-nodatas</c>,
    /// <c>workstation</c>, <c>workstation-nonconcurrent</c>.
    /// </summary>
    public string Gc { get; init; } = "as-built";

    /// <summary>Skips the route-selection BenchmarkDotNet run.</summary>
    public bool SkipRouting { get; init; }

    /// <summary>Phases to run (all by default): latency, ttft, throughput, memory, allocations, routing.</summary>
    public IReadOnlySet<string> Phases { get; init; } = AllPhases;

    public static readonly IReadOnlySet<string> AllPhases = new HashSet<string>(StringComparer.Ordinal)
    {
        "latency", "ttft", "throughput", "memory", "allocations", "routing",
    };

    /// <summary>Phases run only when asked for by name.</summary>
    public static readonly IReadOnlySet<string> ExtraPhases = new HashSet<string>(StringComparer.Ordinal) { "profile" };

    /// <summary>
    /// Extra environment for the facade only (<c>--facade-env KEY=VALUE</c>, repeatable): to try a setting (a GC
    /// knob, a log level, <c>OTEL_SDK_DISABLED=true</c>) without changing the facade. Recorded in the results.
    /// </summary>
    public IReadOnlyDictionary<string, string?> FacadeEnvironment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Extra environment for the facade and the bare forwarder alike (<c>--runtime-env KEY=VALUE</c>): runtime knobs compared fairly.</summary>
    public IReadOnlyDictionary<string, string?> RuntimeEnvironment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Extra request header lines sent on every benchmark request (<c>--request-header "Name: value"</c>).</summary>
    public IReadOnlyList<string> RequestHeaders { get; init; } = [];

    /// <summary>No client keys on Control and the facade (<c>--no-auth</c>): what the key check costs.</summary>
    public bool NoAuth { get; init; }

    /// <summary>
    /// The facade's requests carry a named key with an inference scope and per-minute limits far above the load
    /// (<c>--named-key</c>): what a named key's lookup, HMAC and limit counting cost beside a configured key.
    /// </summary>
    public bool NamedKey { get; init; }

    /// <summary>The profile phase: seconds of steady load on the facade, for attaching dotnet-trace or dotnet-counters.</summary>
    public double ProfileSeconds { get; init; } = 30;

    /// <summary>The profile phase: the path loaded (<c>facade</c> or <c>forwarder</c>), clients, and whether requests stream.</summary>
    public string ProfileTarget { get; init; } = "facade";

    public int ProfileConcurrency { get; init; } = 32;

    public bool ProfileStreaming { get; init; }

    /// <summary>Rounds of the interleaved latency and time-to-first-token comparisons.</summary>
    public int LatencyRounds => Quick ? 3 : 6;

    /// <summary>Sequential requests per target per latency round.</summary>
    public int LatencyRequestsPerBlock => Quick ? 1000 : 4000;

    public int TtftRounds => Quick ? 3 : 6;

    /// <summary>Wall time per target per TTFT round, in seconds (one stream at a time is about 27 requests a second).</summary>
    public double TtftBlockSeconds => Quick ? 4 : 12;

    /// <summary>
    /// The TTFT paths taken in turn request by request instead of in blocks (<c>--ttft-interleaved</c>): each request
    /// then finds its proxy idle since its previous one, and both proxies add more (bench/README.md).
    /// </summary>
    public bool TtftInterleaved { get; init; }

    /// <summary>
    /// Concurrent streams in the TTFT test (<c>--ttft-clients</c>; default one at a time, like the latency test: with
    /// several, streams compete for the two cores and the tail measures that, for the bare forwarder alike).
    /// </summary>
    public int TtftConcurrency { get; init; } = 1;

    public int ThroughputRounds => Quick ? 2 : 4;

    public double ThroughputWarmupSeconds => Quick ? 0.5 : 1;

    public double ThroughputSeconds => Quick ? 1.5 : 4;

    public IReadOnlyList<int> ThroughputConcurrency { get; init; } = [32, 256];

    public int MemoryStreams => 500;

    public int AllocationRequests => Quick ? 1000 : 6000;

    /// <summary>The simulator's time to first token for the streaming test, in ms (<c>--ttft-upstream-ms</c>).</summary>
    public int TtftUpstreamMs { get; init; } = 20;

    /// <summary>The simulator's tokens per second after the first one in the streaming test (<c>--ttft-tokens-per-second</c>).</summary>
    public int TtftUpstreamTokensPerSecond { get; init; } = 1000;

    public static BenchSettings Parse(string[] args)
    {
        string? repo = null;
        string? results = null;
        var quick = false;
        var gc = "as-built";
        var skipRouting = false;
        IReadOnlySet<string> phases = AllPhases;
        var facadeEnvironment = new Dictionary<string, string?>(StringComparer.Ordinal);
        var runtimeEnvironment = new Dictionary<string, string?>(StringComparer.Ordinal);
        var requestHeaders = new List<string>();
        var noAuth = false;
        var namedKey = false;
        double profileSeconds = 30;
        var profileTarget = "facade";
        var profileConcurrency = 32;
        var profileStreaming = false;
        var ttftClients = 1;
        var ttftTokensPerSecond = 1000;
        var ttftUpstreamMs = 20;
        var ttftInterleaved = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--repo":
                    repo = args[++i];
                    break;
                case "--results":
                    results = args[++i];
                    break;
                case "--quick":
                    quick = true;
                    break;
                case "--gc":
                    gc = args[++i];
                    if (!GcModes.Contains(gc))
                    {
                        throw new ArgumentException("--gc takes one of: " + string.Join(", ", GcModes));
                    }

                    break;
                case "--skip-routing":
                    skipRouting = true;
                    break;
                case "--phases":
                    phases = new HashSet<string>(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);
                    if (phases.Except(AllPhases).Except(ExtraPhases).FirstOrDefault() is { } unknown)
                    {
                        throw new ArgumentException("Unknown phase '" + unknown + "'; phases: " + string.Join(",", AllPhases.Concat(ExtraPhases)));
                    }

                    break;
                case "--facade-env" or "--runtime-env":
                    var pair = args[i + 1].Split('=', 2);
                    if (pair.Length != 2 || pair[0].Length == 0)
                    {
                        throw new ArgumentException(args[i] + " takes KEY=VALUE");
                    }

                    (args[i] == "--facade-env" ? facadeEnvironment : runtimeEnvironment)[pair[0]] = pair[1];
                    i++;
                    break;
                case "--request-header":
                    var header = args[++i];
                    if (!header.Contains(':', StringComparison.Ordinal) || header.Contains('\n', StringComparison.Ordinal))
                    {
                        throw new ArgumentException("--request-header takes \"Name: value\"");
                    }

                    requestHeaders.Add(header.Trim());
                    break;
                case "--no-auth":
                    noAuth = true;
                    break;
                case "--named-key":
                    namedKey = true;
                    break;
                case "--profile-seconds":
                    profileSeconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--profile-target":
                    profileTarget = args[++i];
                    if (profileTarget is not ("facade" or "forwarder"))
                    {
                        throw new ArgumentException("--profile-target takes facade or forwarder");
                    }

                    break;
                case "--profile-concurrency":
                    profileConcurrency = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--ttft-clients":
                    ttftClients = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--ttft-upstream-ms":
                    ttftUpstreamMs = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--ttft-tokens-per-second":
                    ttftTokensPerSecond = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--ttft-interleaved":
                    ttftInterleaved = true;
                    break;
                case "--profile-stream":
                    profileStreaming = true;
                    break;
                default:
                    throw new ArgumentException("Unknown argument '" + args[i] + "'. Usage: run [--quick] [--gc MODE] [--phases a,b] [--skip-routing] [--facade-env K=V] [--runtime-env K=V] [--request-header \"N: v\"] [--no-auth] [--named-key] [--profile-seconds S] [--profile-target facade|forwarder] [--profile-concurrency N] [--profile-stream] [--ttft-clients N] [--ttft-upstream-ms N] [--ttft-tokens-per-second N] [--ttft-interleaved] [--repo DIR] [--results DIR]");
            }
        }

        repo ??= FindRepoRoot();
        return new BenchSettings
        {
            RepoRoot = repo,
            ResultsDir = results ?? Path.Combine(repo, "bench", "results"),
            Quick = quick,
            Gc = gc,
            SkipRouting = skipRouting || !phases.Contains("routing"),
            Phases = phases,
            FacadeEnvironment = facadeEnvironment,
            RuntimeEnvironment = runtimeEnvironment,
            RequestHeaders = requestHeaders,
            NoAuth = noAuth,
            NamedKey = namedKey && !noAuth,
            ProfileSeconds = profileSeconds,
            ProfileTarget = profileTarget,
            ProfileConcurrency = profileConcurrency,
            ProfileStreaming = profileStreaming,
            TtftConcurrency = ttftClients,
            TtftUpstreamTokensPerSecond = ttftTokensPerSecond,
            TtftUpstreamMs = ttftUpstreamMs,
            TtftInterleaved = ttftInterleaved,
        };
    }

    public static readonly string[] GcModes = ["as-built", "server", "server-nodatas", "workstation", "workstation-nonconcurrent"];

    /// <summary>The runtime knobs for <see cref="Gc"/>, as environment variables.</summary>
    public IReadOnlyDictionary<string, string?> GcEnvironment() => Gc switch
    {
        "server" => new Dictionary<string, string?> { ["DOTNET_gcServer"] = "1" },
        "server-nodatas" => new Dictionary<string, string?> { ["DOTNET_gcServer"] = "1", ["DOTNET_GCDynamicAdaptationMode"] = "0" },
        "workstation" => new Dictionary<string, string?> { ["DOTNET_gcServer"] = "0", ["DOTNET_gcConcurrent"] = "1" },
        "workstation-nonconcurrent" => new Dictionary<string, string?> { ["DOTNET_gcServer"] = "0", ["DOTNET_gcConcurrent"] = "0" },
        _ => new Dictionary<string, string?>(),
    };

    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{(Quick ? "quick" : "full")} run, gc={Gc}, phases={string.Join(",", Phases)}")
        + (FacadeEnvironment.Count == 0 ? "" : ", facade env " + string.Join(" ", FacadeEnvironment.Select(e => e.Key + "=" + e.Value)))
        + (RuntimeEnvironment.Count == 0 ? "" : ", runtime env " + string.Join(" ", RuntimeEnvironment.Select(e => e.Key + "=" + e.Value)))
        + (RequestHeaders.Count == 0 ? "" : ", request headers " + string.Join("; ", RequestHeaders))
        + (NoAuth ? ", no client keys" : "")
        + (NamedKey ? ", named key with rate limits" : "")
        + (TtftInterleaved ? ", ttft interleaved" : "");

    /// <summary>The extra header lines as they go on the wire.</summary>
    public string ExtraHeaderLines => string.Concat(RequestHeaders.Select(h => h + "\r\n"));

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GenieHive.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (GenieHive.sln) above " + AppContext.BaseDirectory + "; pass --repo.");
    }
}
