using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using GenieHive.Bench.Soak.Cluster;
using GenieHive.Bench.Soak.Fleet;
using GenieHive.Bench.Soak.Memory;
using GenieHive.Bench.Soak.Report;
using GenieHive.Bench.Soak.Scale;
using GenieHive.Bench.Soak.Stats;
using GenieHive.Bench.Soak.Traffic;
using GenieHive.Bench.Soak.Verification;
using GenieHive.Contracts.Json;

namespace GenieHive.Bench.Soak;

/// <summary>
/// One soak run: start the services, register the fleet (each node heartbeating from its registration on), warm up the
/// request path, then measure heartbeats and drive client traffic for the duration while sampling memory and cluster
/// health, while a change probe times how fast changes reach the facade and the routing watch's bytes are counted; stop,
/// check that no update was lost, scan the logs, and write the report.
/// </summary>
internal static class SoakRunner
{
    private static readonly TimeSpan WindowLength = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(SoakSettings requested, CancellationToken abort)
    {
        var startedUtc = DateTime.UtcNow;
        var loadBefore = LoadAverage.Text();
        Console.WriteLine($"soak: {requested.Nodes} nodes ({requested.Store.ToString().ToLowerInvariant()}) every {requested.HeartbeatInterval.TotalMilliseconds:F0} ms, {requested.Clients} clients at {requested.ClientRate:F0} req/s, {requested.Duration.TotalMinutes:F1} min; load average {loadBefore}");

        var resultsDirectory = Path.Combine(requested.RepoRoot, requested.ResultsDirectory);
        using var services = await SoakCluster.StartAsync(requested, Path.Combine(resultsDirectory, requested.RunName + "-work"), abort);
        var settings = requested with
        {
            ResultsDirectory = resultsDirectory,
            Control = services.Control,
            Facade = services.Facade,
            Simulators = services.Simulators,
            ControlPid = services.ControlProcess.Id,
            FacadePid = services.FacadeProcess.Id,
            ControlProbePort = services.ControlProbePort,
            FacadeProbePort = services.FacadeProbePort,
            Database = services.Database,
            ControlLog = services.LogPath("control"),
            FacadeLog = services.LogPath("facade"),
        };

        using var control = NewClient(settings.Control, TimeSpan.FromSeconds(15));
        using var facade = NewClient(settings.Facade, TimeSpan.FromSeconds(60));

        var clock = new RunClock();
        var plan = FleetPlan.Build(settings.Nodes, settings.TrafficHosts, settings.Simulators, settings.ServicesPerNode);
        var nodes = plan.Select(host => new SimulatedNode(host, seed: 1000 + host.Index)).ToList();
        var heartbeats = new HeartbeatDriver(control, nodes, settings, clock);
        var clients = new ClientDriver(facade, settings, clock);

        // From registration on, the logs must stay clean (start-up noise before Control answered is not the soak's).
        var controlLogFrom = LogScan.Length(settings.ControlLog);
        var facadeLogFrom = LogScan.Length(settings.FacadeLog);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(abort);
        if (!await heartbeats.StartAsync(stop.Token, abort))
        {
            Console.Error.WriteLine("soak: registration failed: " + string.Join("; ", heartbeats.Errors.Samples().SelectMany(pair => pair.Value)));
            await stop.CancelAsync();
            await heartbeats.Completion.WaitAsync(TimeSpan.FromSeconds(30), abort);
            return 1;
        }

        Console.WriteLine($"soak: registered {nodes.Count} hosts with {plan.Sum(host => host.Services.Count)} services");
        await WarmUpAsync(clients, abort);
        var changes = new ChangeProbe(facade, heartbeats, settings.ClientKey, settings.Nodes, clock);
        if (!await changes.PrepareAsync(abort))
        {
            // Measured anyway: a cluster that cannot show a new host within a minute is a figure, not a harness failure.
            Console.Error.WriteLine("soak: the facade did not list the change probe's models within 60 s of their registration; probing anyway");
        }

        // Its own client: a whole table of 10,000 services, rebuilt first when anything changed, can take Control far
        // longer than a heartbeat's 15 s on a loaded machine.
        using var tables = NewClient(settings.Control, TimeSpan.FromSeconds(120));
        var watch = new WatchCostMeter(tables, settings.ClientKey, settings.FacadeProbePort, settings.ControlProbePort);

        var watches = new List<ProcessWatch>();
        if (settings.ControlPid is { } controlPid)
        {
            watches.Add(new ProcessWatch("control", controlPid, settings.ControlProbePort));
        }

        if (settings.FacadePid is { } facadePid)
        {
            watches.Add(new ProcessWatch("facade", facadePid, settings.FacadeProbePort));
        }

        // The measured phase (the nodes have been heartbeating since they registered).
        clock.Restart();
        heartbeats.BeginMeasuring();
        var watchStart = await watch.StartAsync(abort);
        var traffic = clients.RunAsync(stop.Token, abort);
        var probing = changes.RunAsync(stop.Token, abort);
        var cluster = new List<ClusterSample>();
        var interval = settings.EffectiveSampleInterval;
        var nextProgress = 30.0;
        while (clock.Seconds < settings.Duration.TotalSeconds)
        {
            await SampleAsync(watches, cluster, control, settings, clock, abort);
            if (clock.Seconds >= nextProgress)
            {
                nextProgress += 30;
                Progress(clock, heartbeats, clients, cluster, watches);
            }

            var remaining = settings.Duration.TotalSeconds - clock.Seconds;
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, Math.Min(interval.TotalSeconds, remaining))), abort);
        }

        await SampleAsync(watches, cluster, control, settings, clock, abort);
        var watchEnd = await watch.EndAsync(abort);
        var measured = clock.Seconds;
        await stop.CancelAsync();
        await Task.WhenAll(heartbeats.Completion, traffic, probing).WaitAsync(TimeSpan.FromSeconds(90), abort);
        var controlLogTo = LogScan.Length(settings.ControlLog);
        var facadeLogTo = LogScan.Length(settings.FacadeLog);
        Console.WriteLine($"soak: stopped after {measured:F0} s; checking for lost updates");

        // Right away, well inside HostTimeoutSeconds: every host must still be fresh and show its last heartbeat.
        var checks = new List<UpdateCheckResult>
        {
            await UpdateCheck.ViaApiAsync("control_api", control, settings.ClientKey, nodes, abort),
            await UpdateCheck.ViaApiAsync("facade_api", facade, settings.ClientKey, nodes, abort),
        };
        if (settings.Database is { } database)
        {
            checks.Add(await UpdateCheck.ViaDatabaseAsync(database, nodes, TimeSpan.FromSeconds(10), abort));
        }

        var logs = new List<LogScanResult>
        {
            LogScan.Scan("control", settings.ControlLog, controlLogFrom, controlLogTo),
            LogScan.Scan("facade", settings.FacadeLog, facadeLogFrom, facadeLogTo),
        };

        var watchCost = WatchCostFigures.Between(watchStart, watchEnd, measured);
        var report = BuildReport(settings, startedUtc, loadBefore, measured, nodes, plan, heartbeats, clients, checks, cluster, watches, logs, watchCost, changes.Figures());
        return await WriteAsync(settings, report, abort);
    }

    private static HttpClient NewClient(Uri baseAddress, TimeSpan timeout) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    {
        BaseAddress = baseAddress,
        Timeout = timeout,
    };

    /// <summary>
    /// Until every request of the mix succeeds once: the facade routes only after its routing table shows the fleet,
    /// and the first requests pay for JIT and connection set-up; none of that belongs in the measured phase.
    /// </summary>
    private static async Task WarmUpAsync(ClientDriver clients, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        for (var i = 0; i < 10; i++)
        {
            while (!await clients.ProbeAsync(RequestMix.For(i), cancellationToken))
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException("The facade did not serve the request mix within 120 s of registration.");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }

        // A few more rounds so that both simulators and every route have been used before measuring.
        for (var i = 0; i < 40; i++)
        {
            await clients.ProbeAsync(RequestMix.For(i), cancellationToken);
        }
    }

    private static async Task SampleAsync(List<ProcessWatch> watches, List<ClusterSample> cluster, HttpClient control, SoakSettings settings, RunClock clock, CancellationToken cancellationToken)
    {
        var at = clock.Seconds;
        foreach (var watch in watches)
        {
            await watch.SampleAsync(at, cancellationToken);
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/cluster/health");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ClientKey);
            using var response = await control.SendAsync(request, cancellationToken);
            var health = JsonSerializer.Deserialize(await response.Content.ReadAsByteArrayAsync(cancellationToken), GenieHiveJsonContext.Default.ClusterHealth);
            if (health is not null)
            {
                cluster.Add(new ClusterSample(Math.Round(at, 1), health.HostCount, health.StaleHostCount, health.RoutableServiceCount, health.RoutingVersion, LoadAverage.OneMinute()));
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            // A missed health sample is visible as a gap; the heartbeat and client errors are what count.
        }
    }

    private static void Progress(RunClock clock, HeartbeatDriver heartbeats, ClientDriver clients, List<ClusterSample> cluster, List<ProcessWatch> watches)
    {
        var seconds = clock.Seconds;
        var recent = heartbeats.Heartbeats.Snapshot().Where(s => s.At >= seconds - 30).Select(s => s.Ms).ToArray();
        var summary = LatencySummary.Of(recent);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"soak: {seconds,4:F0} s  heartbeats {recent.Length / 30.0,6:F1}/s p99 {summary.P99,7:F2} ms  clients {clients.All.Snapshot().Count(s => s.At >= seconds - 30) / 30.0,5:F1} req/s  errors {heartbeats.Errors.Total}+{clients.Errors.Total}  stale {(cluster.Count > 0 ? cluster[^1].StaleHosts : 0)}  load {LoadAverage.OneMinute():F2}{string.Concat(watches.Where(w => !w.IsAlive).Select(w => "  " + w.Name + " DIED"))}"));
    }

    private static SoakReport BuildReport(
        SoakSettings settings,
        DateTime startedUtc,
        string loadBefore,
        double measured,
        List<SimulatedNode> nodes,
        IReadOnlyList<PlannedHost> plan,
        HeartbeatDriver heartbeats,
        ClientDriver clients,
        List<UpdateCheckResult> checks,
        List<ClusterSample> cluster,
        List<ProcessWatch> watches,
        List<LogScanResult> logs,
        WatchCostFigures watchCost,
        VisibilityFigures visibility)
    {
        var beats = heartbeats.Heartbeats.Snapshot();
        var beatWindows = TimeWindows.Of(beats, measured, WindowLength.TotalSeconds);
        var fullBeatWindows = beatWindows.Where(w => w.To - w.From >= WindowLength.TotalSeconds - 0.01).ToList();
        var target = settings.Nodes / settings.HeartbeatInterval.TotalSeconds;
        var acknowledged = beats.Length - heartbeats.Errors.Counts().Where(pair => pair.Key.StartsWith("heartbeat_", StringComparison.Ordinal)).Sum(pair => pair.Value);
        var heartbeatFigures = new HeartbeatFigures(
            heartbeats.Sent,
            acknowledged,
            target,
            Math.Round(acknowledged / measured, 1),
            fullBeatWindows.Count > 0 ? fullBeatWindows.Min(w => w.PerSecond) : 0,
            heartbeats.MissedTicks,
            nodes.Sum(node => node.StateChanges),
            LatencySummary.Of(beats.Select(s => s.Ms)),
            heartbeats.Registrations.Count,
            heartbeats.Reregistrations,
            LatencySummary.Of(heartbeats.Registrations.Snapshot().Select(s => s.Ms)),
            heartbeats.Errors.Total,
            heartbeats.Errors.Counts(),
            heartbeats.Errors.Samples(),
            beatWindows);

        var requests = clients.All.Snapshot();
        var clientFigures = new ClientFigures(
            clients.Sent,
            requests.Length,
            Math.Round(requests.Length / measured, 1),
            LatencySummary.Of(requests.Select(s => s.Ms)),
            clients.ByKind.ToDictionary(pair => new RequestSpec(pair.Key, "", []).Label, pair => LatencySummary.Of(pair.Value.Snapshot().Select(s => s.Ms)), StringComparer.Ordinal),
            LatencySummary.Of(clients.StreamTtft.Snapshot().Select(s => s.Ms)),
            clients.Errors.Total,
            clients.Errors.Counts(),
            clients.Errors.Samples(),
            TimeWindows.Of(requests, measured, WindowLength.TotalSeconds));

        var memory = new MemoryFigures(PlateauRule.Description, settings.EffectiveSampleInterval.TotalSeconds, [.. watches.Select(Summarize)]);
        var loads = cluster.Select(sample => sample.LoadAverage1Min).DefaultIfEmpty(0).ToArray();
        var machine = new MachineFigures(Environment.ProcessorCount, loadBefore, loads.Min(), Math.Round(loads.Average(), 2), loads.Max(), LoadAverage.Text());
        var shape = new RunShape(settings.Nodes, settings.TrafficHosts, plan.Sum(host => host.Services.Count), settings.HeartbeatInterval.TotalMilliseconds,
            settings.Clients, settings.ClientRate, settings.Duration.TotalSeconds, Math.Round(measured, 1), settings.HostTimeoutSeconds);

        var controlMemory = memory.Processes.FirstOrDefault(process => process.Name == "control");
        var scale = ScaleFigures.Of(settings.Store.ToString().ToLowerInvariant(), shape.Services, heartbeatFigures.PerSecondAverage, watchCost, visibility,
            controlMemory?.RssPeakMb ?? 0, controlMemory?.RssEndMb ?? 0, heartbeatFigures.Latency);

        var report = new SoakReport
        {
            RunName = settings.RunName,
            StartedUtc = startedUtc.ToString("u", CultureInfo.InvariantCulture),
            Command = settings.Command,
            Commit = settings.Commit,
            Machine = machine,
            Shape = shape,
            Heartbeats = heartbeatFigures,
            Clients = clientFigures,
            UpdateChecks = checks,
            Cluster = cluster,
            Memory = memory,
            Logs = logs,
            Scale = scale,
            Verdict = new Verdict(true, []),
        };
        return report with { Verdict = Judge(report) };
    }

    private static ProcessMemory Summarize(ProcessWatch watch)
    {
        var samples = watch.Samples;
        var rss = samples.Select(s => (double)s.RssBytes).ToList();
        var heap = samples.Where(s => s.GcHeapBytes is not null).Select(s => (double)s.GcHeapBytes!.Value).ToList();
        var plateau = new List<PlateauVerdict>();
        if (PlateauRule.Check("rss", rss) is { } rssVerdict)
        {
            plateau.Add(rssVerdict);
        }

        if (PlateauRule.Check("gc_heap", heap) is { } heapVerdict)
        {
            plateau.Add(heapVerdict);
        }

        return new ProcessMemory(
            watch.Name,
            watch.Pid,
            watch.IsAlive,
            rss.Count > 0 ? PlateauRule.Mb(rss[0]) : 0,
            rss.Count > 0 ? PlateauRule.Mb(rss.Max()) : 0,
            rss.Count > 0 ? PlateauRule.Mb(rss[^1]) : 0,
            heap.Count > 0 ? PlateauRule.Mb(heap[0]) : null,
            heap.Count > 0 ? PlateauRule.Mb(heap.Max()) : null,
            heap.Count > 0 ? PlateauRule.Mb(heap[^1]) : null,
            samples.Count > 0 ? samples[0].Threads : 0,
            samples.Count > 0 ? samples[^1].Threads : 0,
            plateau,
            samples);
    }

    private static Verdict Judge(SoakReport report)
    {
        var failures = new List<string>();
        var hb = report.Heartbeats;
        if (hb.ErrorCount > 0)
        {
            failures.Add($"{hb.ErrorCount} heartbeat/registration errors");
        }

        if (report.Clients.ErrorCount > 0)
        {
            failures.Add($"{report.Clients.ErrorCount} client errors");
        }

        if (hb.PerSecondAverage < 0.95 * hb.PerSecondTarget)
        {
            failures.Add($"heartbeats averaged {hb.PerSecondAverage:F1}/s, below 95 % of the {hb.PerSecondTarget:F0}/s schedule");
        }

        foreach (var check in report.UpdateChecks.Where(check => !check.Holds))
        {
            failures.Add($"{check.Source}: {check.LostUpdates} lost updates, {check.StaleHosts} stale, {check.HostsFound}/{check.HostsExpected} hosts, {check.WrongServiceCount} wrong service counts ({string.Join("; ", check.Examples)})");
        }

        if (report.Cluster.Any(sample => sample.StaleHosts > 0))
        {
            failures.Add($"stale hosts during the run (at most {report.Cluster.Max(sample => sample.StaleHosts)})");
        }

        foreach (var log in report.Logs.Where(log => log.Errors > 0 || log.StaleHostWarnings > 0))
        {
            failures.Add($"{log.Service} logged {log.Errors} errors and {log.StaleHostWarnings} stale-host warnings");
        }

        foreach (var process in report.Memory.Processes)
        {
            if (!process.AliveAtEnd)
            {
                failures.Add(process.Name + " died");
            }

            foreach (var verdict in process.Plateau.Where(v => !v.Holds))
            {
                failures.Add($"{process.Name} {verdict.Series} keeps growing: last third's max {verdict.LastThirdMaxMb:F1} MB > limit {verdict.LimitMb:F1} MB");
            }
        }

        return new Verdict(failures.Count == 0, failures);
    }

    private static async Task<int> WriteAsync(SoakSettings settings, SoakReport report, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(settings.ResultsDirectory);
        var json = Path.Combine(settings.ResultsDirectory, settings.RunName + ".json");
        var markdown = Path.Combine(settings.ResultsDirectory, settings.RunName + ".md");
        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(report, options), cancellationToken);
        var summary = MarkdownSummary.Render(report);
        await File.WriteAllTextAsync(markdown, summary, cancellationToken);
        Console.WriteLine();
        Console.WriteLine(summary);
        Console.WriteLine("soak: wrote " + json + " and " + markdown);
        return report.Verdict.Passed ? 0 : 1;
    }
}
