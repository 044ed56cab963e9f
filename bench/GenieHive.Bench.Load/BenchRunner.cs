using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GenieHive.Bench.Load.Cluster;
using GenieHive.Bench.Load.Http;
using GenieHive.Bench.Load.Report;
using GenieHive.Bench.Load.Scenarios;

namespace GenieHive.Bench.Load;

/// <summary>One benchmark run: start the cluster, measure every phase, stop it, run the route-selection bench, report.</summary>
internal static class BenchRunner
{
    private const string ChatPrompt = "\"messages\":[{\"role\":\"user\",\"content\":\"Hello! Could you tell me how a beehive is organised?\"}],\"max_tokens\":16";

    public static async Task<int> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        void Log(string line) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed.TotalSeconds,6:F1}s] {line}"));

        var timestamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        Directory.CreateDirectory(settings.ResultsDir);
        var workDir = Path.Combine(settings.ResultsDir, timestamp + "-work");
        var results = new BenchResults
        {
            Timestamp = timestamp,
            Mode = settings.Quick ? "quick" : "full",
            Gc = settings.Gc,
            FacadeEnvironment = new Dictionary<string, string?>(settings.FacadeEnvironment),
            Variant = settings.Describe(),
            Machine = MachineInfo.Collect(settings.RepoRoot),
        };
        results.Notes.Add("Load client: the harness's own HTTP/1.1 client (bench/GenieHive.Bench.Load), one keep-alive connection per client, closed loop, over loopback.");
        Sample(results, "start");
        Log(settings.Describe() + "; load average " + results.LoadAverage[^1].One.ToString("F2", CultureInfo.InvariantCulture) + " on " + results.Machine.Cores.ToString(CultureInfo.InvariantCulture) + " cores");
        if (results.LoadAverage[^1].One > 3)
        {
            results.Notes.Add(string.Create(CultureInfo.InvariantCulture, $"The machine was busy when the run started (load average {results.LoadAverage[^1].One:F1}): numbers are noisy."));
        }

        var phases = settings.Phases;
        using (var cluster = await BenchCluster.StartAsync(settings, workDir, Log, cancellationToken))
        {
            Sample(results, "cluster up");
            await Task.Delay(2000, cancellationToken);
            var memory = phases.Contains("memory")
                ? new MemoryResult
                {
                    IdleFresh = await Memory.ReadAsync(cluster, cancellationToken),
                    ForwarderIdleFresh = await Memory.ReadAsync(cluster.ForwarderFastProcess, cluster.ForwarderProbePort, cancellationToken),
                }
                : null;

            Target Json(string name, System.Net.IPEndPoint endPoint, string model = BenchCluster.FastModel, string prompt = ChatPrompt) =>
                new(name, endPoint, RequestBytes.PostJson(endPoint, "/v1/chat/completions", cluster.FacadeKey, "{\"model\":\"" + model + "\"," + prompt + "}", settings.ExtraHeaderLines), Streaming: false);
            Target Stream(string name, System.Net.IPEndPoint endPoint, string model) =>
                new(name, endPoint, RequestBytes.PostJson(endPoint, "/v1/chat/completions", cluster.FacadeKey, "{\"model\":\"" + model + "\"," + ChatPrompt + ",\"stream\":true}", settings.ExtraHeaderLines), Streaming: true);

            Target[] json = [Json(Comparison.Direct, cluster.SimFast), Json(Comparison.Forwarder, cluster.ForwarderFast), Json(Comparison.Facade, cluster.Facade)];
            var role = Json(Comparison.FacadeRole, cluster.Facade, BenchCluster.Role);
            Target[] ttft =
            [
                Stream(Comparison.Direct, cluster.SimTtft, BenchCluster.TtftModel),
                Stream(Comparison.Forwarder, cluster.ForwarderTtft, BenchCluster.TtftModel),
                Stream(Comparison.Facade, cluster.Facade, BenchCluster.TtftModel),
            ];

            // Tiered JIT (tier 0 → instrumented → optimized) and connection pools settle before anything is measured:
            // under load, compilation otherwise takes a quarter of the facade's CPU for the first minute.
            Log("warming up until the JIT settles in the facade and the forwarder");
            Target[] warmup = [.. json, role, Stream(Comparison.Facade, cluster.Facade, BenchCluster.FastModel), Stream(Comparison.Forwarder, cluster.ForwarderFast, BenchCluster.FastModel), .. ttft];
            results.Warmup = await WarmUpAsync(cluster, warmup, settings.Quick ? 20 : 60, Log, cancellationToken);
            Sample(results, "warm-up");

            if (phases.Contains("latency"))
            {
                Log("latency, one request at a time");
                var cap = Stopwatch.Frequency * 120;
                results.Latency = await Comparison.RunAsync(
                    string.Create(CultureInfo.InvariantCulture, $"Non-streaming chat (16 tokens) to a zero-latency simulator, {settings.LatencyRequestsPerBlock} sequential requests per target per round; facade-role is the facade routing by role (request policy edits the body)"),
                    [.. json, role], settings.LatencyRounds, 1, firstContent: false,
                    Comparison.InBlocks(target => ClosedLoop.RunAsync(target, 1, 0, Stopwatch.GetTimestamp() + cap, settings.LatencyRequestsPerBlock, warmupRequests: 50, cancellationToken)),
                    Log);
                Sample(results, "latency");
            }

            if (phases.Contains("ttft"))
            {
                Log("time to first token, streaming");
                results.Ttft = await Comparison.RunAsync(
                    string.Create(CultureInfo.InvariantCulture, $"Streaming chat from a simulator with {settings.TtftUpstreamMs} ms to first token then {settings.TtftUpstreamTokensPerSecond} tokens/s, ")
                        + (settings.TtftInterleaved
                            ? string.Create(CultureInfo.InvariantCulture, $"the paths taken in turn request by request, {settings.TtftBlockSeconds * ttft.Length:F0} s per round")
                            : string.Create(CultureInfo.InvariantCulture, $"{settings.TtftBlockSeconds:F1} s per target per round")),
                    ttft, settings.TtftRounds, settings.TtftConcurrency, firstContent: true,
                    settings.TtftInterleaved
                        ? order => InterleavedLoop.RunAsync(order, settings.TtftConcurrency, Stopwatch.GetTimestamp() + (long)(settings.TtftBlockSeconds * order.Count * Stopwatch.Frequency), warmupCycles: 2, cancellationToken)
                        : Comparison.InBlocks(target =>
                        {
                            var now = Stopwatch.GetTimestamp();
                            return ClosedLoop.RunAsync(target, settings.TtftConcurrency, now, now + (long)(settings.TtftBlockSeconds * Stopwatch.Frequency), int.MaxValue, warmupRequests: 2, cancellationToken);
                        }),
                    Log);
                Sample(results, "ttft");
            }

            if (phases.Contains("throughput"))
            {
                foreach (var concurrency in settings.ThroughputConcurrency)
                {
                    Log(string.Create(CultureInfo.InvariantCulture, $"throughput, {concurrency} clients"));
                    results.Throughput.Add(await Throughput.RunAsync(cluster, json, concurrency, settings, Log, cancellationToken));
                    Sample(results, string.Create(CultureInfo.InvariantCulture, $"throughput {concurrency}"));
                }
            }

            if (phases.Contains("allocations"))
            {
                Log("allocations per request");
                var streams = settings.AllocationRequests / 2;
                var large = settings.AllocationRequests / 4;
                var longChat = LongConversation();
                results.Allocations.Add(await Allocations.MeasureAsync(Comparison.Facade, cluster.FacadeProbePort, json[2], settings.AllocationRequests, cancellationToken));
                results.Allocations.Add(await Allocations.MeasureAsync(Comparison.Forwarder, cluster.ForwarderProbePort, json[1], settings.AllocationRequests, cancellationToken));
                results.Allocations.Add(await Allocations.MeasureAsync(Comparison.Facade, cluster.FacadeProbePort, Stream(Comparison.Facade, cluster.Facade, BenchCluster.FastModel), streams, cancellationToken));
                results.Allocations.Add(await Allocations.MeasureAsync(Comparison.Forwarder, cluster.ForwarderProbePort, Stream(Comparison.Forwarder, cluster.ForwarderFast, BenchCluster.FastModel), streams, cancellationToken));
                results.Allocations.Add(await Allocations.MeasureAsync(Comparison.FacadeRole, cluster.FacadeProbePort, role, settings.AllocationRequests, cancellationToken));
                results.Allocations.Add(await Allocations.MeasureAsync(Comparison.Facade, cluster.FacadeProbePort, Json(Comparison.Facade, cluster.Facade, prompt: longChat), large, cancellationToken, "chat json, 32 KB body"));
                results.Allocations.Add(await Allocations.MeasureAsync(Comparison.Forwarder, cluster.ForwarderProbePort, Json(Comparison.Forwarder, cluster.ForwarderFast, prompt: longChat), large, cancellationToken, "chat json, 32 KB body"));
                results.Allocations.Add(await Allocations.MeasureAsync(Comparison.FacadeRole, cluster.FacadeProbePort, Json(Comparison.FacadeRole, cluster.Facade, BenchCluster.Role, longChat), large, cancellationToken, "chat json, 32 KB body"));
                foreach (var a in results.Allocations)
                {
                    Log(string.Create(CultureInfo.InvariantCulture, $"  {a.Process,-10} {a.Request,-24} {a.BytesPerRequest,8:F0} B/request (idle {a.BackgroundBytesPerSecond:F0} B/s)"));
                }

                Sample(results, "allocations");
            }

            if (memory is not null)
            {
                Log("facade memory");

                // Idle means no traffic for a while, not the moment a burst ends: 35 s, longer than the facade's
                // shipped GenieHive:Memory:TrimAfterIdleSeconds (30 s) plus its check interval.
                await Task.Delay(35_000, cancellationToken);
                memory.IdleAfterLoad = await Memory.ReadAsync(cluster, cancellationToken);
                memory.ForwarderIdleAfterLoad = await Memory.ReadAsync(cluster.ForwarderFastProcess, cluster.ForwarderProbePort, cancellationToken);
                await Memory.RunStreamsAsync(cluster, memory, settings.MemoryStreams, settings.Quick ? 3 : 6, settings.ExtraHeaderLines, Log, cancellationToken);
                results.Memory = memory;
                Log(string.Create(CultureInfo.InvariantCulture, $"  RSS idle {memory.IdleFresh.RssBytes / 1e6:F0} MB fresh, {memory.IdleAfterLoad.RssBytes / 1e6:F0} MB after load; {memory.UnderStreams?.RssBytes / 1e6:F0} MB under {memory.StreamsOpen} streams"));
                Sample(results, "memory");
            }

            if (phases.Contains("profile"))
            {
                var (target, process) = settings.ProfileTarget == Comparison.Forwarder
                    ? (settings.ProfileStreaming ? Stream(Comparison.Forwarder, cluster.ForwarderFast, BenchCluster.FastModel) : json[1], cluster.ForwarderFastProcess)
                    : (settings.ProfileStreaming ? Stream(Comparison.Facade, cluster.Facade, BenchCluster.FastModel) : json[2], cluster.FacadeProcess);
                Log(string.Create(CultureInfo.InvariantCulture, $"profile: {settings.ProfileConcurrency} clients on the {target.Name} (pid {process.Id}) for {settings.ProfileSeconds:F0} s; attach now, e.g. dotnet-trace collect -p {process.Id} --profile dotnet-sampled-thread-time --duration 00:00:10"));
                var load = await RunForAsync(target, settings.ProfileConcurrency, settings.ProfileSeconds, cancellationToken);
                Log(string.Create(CultureInfo.InvariantCulture, $"  {load.Completed / load.WindowSeconds:F0} req/s, {load.Errors} errors"));
            }

            var dead = new[] { cluster.FacadeProcess, cluster.ForwarderFastProcess, cluster.SimFastProcess }.FirstOrDefault(p => p.HasExited);
            if (dead is not null)
            {
                results.Notes.Add(dead.Name + " exited during the run; see " + workDir);
            }
        }

        if (!settings.SkipRouting)
        {
            Log("route selection (BenchmarkDotNet)");
            results.Routing.AddRange(await RouteSelection.RunAsync(settings, Path.Combine(workDir, "routing"), Log, cancellationToken));
            Sample(results, "routing");
        }

        results.Verdicts = Verdicts.Evaluate(results);
        var jsonPath = Path.Combine(settings.ResultsDir, timestamp + ".json");
        var mdPath = Path.Combine(settings.ResultsDir, timestamp + ".md");
        await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(results, BenchJsonContext.Default.BenchResults), cancellationToken);
        var markdown = MarkdownReport.Render(results);
        await File.WriteAllTextAsync(mdPath, markdown, cancellationToken);

        Console.WriteLine();
        Console.WriteLine(markdown);
        Log("wrote " + jsonPath + " and " + mdPath + " (services' logs in " + workDir + ")");
        return 0;
    }

    /// <summary>
    /// Rounds of load over every target until a round compiles (almost) nothing new in either measured process, or
    /// until <paramref name="maxSeconds"/>.
    /// </summary>
    private static async Task<WarmupResult> WarmUpAsync(BenchCluster cluster, IReadOnlyList<Target> targets, double maxSeconds, Action<string> log, CancellationToken cancellationToken)
    {
        // Tiering never stops entirely (a rare path now and then); a handful of methods per round is settled.
        const int SettledMethods = 20;
        var clock = Stopwatch.StartNew();
        var facade = await ProbeClient.ReadAsync(cluster.FacadeProbePort, cancellationToken);
        var forwarder = await ProbeClient.ReadAsync(cluster.ForwarderProbePort, cancellationToken);
        var rounds = 0;
        var settled = false;
        while (clock.Elapsed.TotalSeconds < maxSeconds)
        {
            foreach (var target in targets)
            {
                await RunForAsync(target, target.Streaming ? 4 : 8, 0.4, cancellationToken);
            }

            rounds++;
            var facadeNow = await ProbeClient.ReadAsync(cluster.FacadeProbePort, cancellationToken);
            var forwarderNow = await ProbeClient.ReadAsync(cluster.ForwarderProbePort, cancellationToken);
            var compiled = (Facade: facadeNow.JitMethods - facade.JitMethods, Forwarder: forwarderNow.JitMethods - forwarder.JitMethods);
            (facade, forwarder) = (facadeNow, forwarderNow);
            log(string.Create(CultureInfo.InvariantCulture, $"  warm-up round {rounds}: {compiled.Facade} methods compiled in the facade, {compiled.Forwarder} in the forwarder"));
            if (rounds >= 3 && compiled.Facade <= SettledMethods && compiled.Forwarder <= SettledMethods)
            {
                settled = true;
                break;
            }
        }

        log(string.Create(CultureInfo.InvariantCulture,
            $"  {(settled ? "settled" : "not settled")} after {clock.Elapsed.TotalSeconds:F0} s: facade {facade.JitMethods} methods JIT-compiled ({facade.JitMs:F0} ms), forwarder {forwarder.JitMethods} ({forwarder.JitMs:F0} ms)"));
        return new WarmupResult(clock.Elapsed.TotalSeconds, settled, facade.JitMethods, facade.JitMs, forwarder.JitMethods, forwarder.JitMs);
    }

    /// <summary>The messages and limits of a long chat (about 32 KB of JSON): 40 turns of 800 characters.</summary>
    private static string LongConversation()
    {
        var turn = string.Concat(Enumerable.Repeat("The hive keeps its brood warm and its stores dry; ", 16));
        var messages = Enumerable.Range(0, 40).Select(i => "{\"role\":\"" + (i % 2 == 0 ? "user" : "assistant") + "\",\"content\":\"" + turn + "\"}");
        return "\"messages\":[" + string.Join(",", messages) + "],\"max_tokens\":16";
    }

    private static Task<LoadResult> RunForAsync(Target target, int concurrency, double seconds, CancellationToken cancellationToken)
    {
        var now = Stopwatch.GetTimestamp();
        return ClosedLoop.RunAsync(target, concurrency, now, now + (long)(seconds * Stopwatch.Frequency), int.MaxValue, warmupRequests: 0, cancellationToken);
    }

    private static void Sample(BenchResults results, string phase)
    {
        var (one, five, fifteen) = MachineInfo.LoadAverage();
        results.LoadAverage.Add(new LoadAverageSample(phase, one, five, fifteen));
    }
}
