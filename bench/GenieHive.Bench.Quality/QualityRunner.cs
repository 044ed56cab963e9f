using System.Diagnostics;
using System.Globalization;
using GenieHive.Bench.Load.Report;
using GenieHive.Bench.Quality.Cluster;
using GenieHive.Bench.Quality.Replay;
using GenieHive.Bench.Quality.Report;
using GenieHive.Bench.Quality.Scenarios;
using GenieHive.Bench.Quality.Stats;

namespace GenieHive.Bench.Quality;

/// <summary>
/// The run: for each arm a fresh control plane (Control with the arm's strategy, the facade), and on it, one scenario
/// after the other, the scenario's fresh engines and node agent, its trace replayed, the engines' statistics read;
/// then the report (JSON, markdown, chart) in bench/results/.
/// </summary>
internal static class QualityRunner
{
    public static async Task<int> RunAsync(QualitySettings settings, CancellationToken cancellationToken)
    {
        if (settings.ChartOf is { } json)
        {
            var published = QualityReport.FromJson(await File.ReadAllTextAsync(json, cancellationToken));
            return await WriteChartAsync(Path.ChangeExtension(json, null), published.Scenarios, cancellationToken) ? 0 : 1;
        }

        if (settings.RealEnginesDir is { } enginesDir)
        {
            return await RealEngines.RealConversationRun.RunAsync(settings, enginesDir, cancellationToken);
        }

        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var stamp = started.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var baseName = Path.Combine(settings.ResultsDir, "quality-" + stamp);
        var workRoot = baseName + "-work";
        Directory.CreateDirectory(workRoot);
        var loadBefore = MachineInfo.LoadAverage().One;
        var scenarios = ScenarioCatalog.All(settings.Quick, settings.Seed)
            .Where(s => settings.Scenarios is null || settings.Scenarios.Contains(s.Name))
            .ToList();
        if (settings.Scenarios?.Except(scenarios.Select(s => s.Name)).FirstOrDefault() is { } unknown)
        {
            Console.Error.WriteLine("Unknown scenario " + unknown + "; the scenarios are " + string.Join(", ", ScenarioCatalog.All(true, 1).Select(s => s.Name)) + ".");
            return 2;
        }

        Log(clock, $"{settings.Arms.Count} arms × {scenarios.Count} scenarios ({string.Join(", ", settings.Arms.Select(a => a.Name))}); logs in {workRoot}");
        using var client = new ChatStreamClient(ClusterReadiness.ClientKey);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var processes = new RunProcesses(Path.Combine(workRoot, "pids"));
        var results = scenarios.ToDictionary(s => s.Name, _ => new List<ArmResult>(), StringComparer.Ordinal);
        foreach (var arm in settings.Arms)
        {
            // One control plane per arm, fresh: nothing GenieHive learned in one arm carries to the next.
            var armStarted = clock.Elapsed;
            using var plane = await ControlPlane.StartAsync(settings, arm, processes, Path.Combine(workRoot, arm.Name), cancellationToken);
            Log(clock, $"{arm.Name}: Control and facade up in {(clock.Elapsed - armStarted).TotalSeconds:0.0} s");
            foreach (var scenario in scenarios)
            {
                var scenarioStarted = clock.Elapsed;
                using var engines = await ScenarioEngines.StartAsync(settings, scenario, plane, processes, Path.Combine(workRoot, arm.Name, scenario.Name), cancellationToken);
                var ready = clock.Elapsed - scenarioStarted;
                var records = await new TraceReplayer(scenario, arm, engines, client, settings).RunAsync(cancellationToken);
                var stats = await engines.EngineStatsAsync(http, cancellationToken);
                var loads = stats.Values.Sum(s => s.TryGetProperty("model_loads", out var n) ? n.GetInt64() : 0);
                var result = ArmResult.From(arm.Name, scenario, records, loads);
                results[scenario.Name].Add(result);
                Log(clock, $"{arm.Name} / {scenario.Name}: engines ready in {ready.TotalSeconds:0.0} s, ran {(clock.Elapsed - scenarioStarted - ready).TotalSeconds:0} s; "
                    + $"TTFT p50 {Show(result.TtftP50)} p99 {Show(result.TtftP99)}, end-to-end p50 {Show(result.EndToEndP50)} p99 {Show(result.EndToEndP99)}, "
                    + $"failed {result.Requests - result.Succeeded}/{result.Requests}, cache hits {result.CacheHitRate:P0}");
            }
        }

        var baseline = settings.Arms.FirstOrDefault(a => a.IsReference)?.Name;
        var reports = scenarios.Select(s => ScenarioReport.From(s, results[s.Name], baseline)).ToList();
        var report = new QualityReport
        {
            Started = started,
            DurationSeconds = clock.Elapsed.TotalSeconds,
            Quick = settings.Quick,
            Seed = settings.Seed,
            HeartbeatSeconds = settings.HeartbeatSeconds,
            RequestTimeoutSeconds = settings.RequestTimeoutSeconds,
            Machine = MachineInfo.Collect(settings.RepoRoot),
            LoadAverageBefore = loadBefore,
            LoadAverageAfter = MachineInfo.LoadAverage().One,
            Scenarios = reports,
        };
        await File.WriteAllTextAsync(baseName + ".json", report.ToJson(), cancellationToken);
        var markdown = report.ToMarkdown();
        await File.WriteAllTextAsync(baseName + ".md", markdown, cancellationToken);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine("Results: " + baseName + ".json, .md");
        await WriteChartAsync(baseName, reports, cancellationToken);
        return 0;
    }

    // The chart as SVG, and as PNG where rsvg-convert is installed.
    private static async Task<bool> WriteChartAsync(string baseName, IReadOnlyList<ScenarioReport> reports, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(baseName + ".svg", RatioChart.Svg(reports), cancellationToken);
        var png = RatioChart.TryWritePng(baseName + ".svg", baseName + ".png");
        Console.WriteLine("Chart: " + baseName + ".svg" + (png ? ", .png" : " (no .png: install librsvg2-bin for rsvg-convert)"));
        return png;
    }

    private static string Show(double? seconds) => seconds is { } s ? s.ToString("0.00", CultureInfo.InvariantCulture) + " s" : "∞";

    private static void Log(Stopwatch clock, string message) =>
        Console.WriteLine("[" + clock.Elapsed.ToString(@"mm\:ss", CultureInfo.InvariantCulture) + "] " + message);
}
