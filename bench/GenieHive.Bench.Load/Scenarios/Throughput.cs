using System.Diagnostics;
using System.Globalization;
using GenieHive.Bench.Load.Cluster;
using GenieHive.Bench.Load.Report;
using GenieHive.Bench.Load.Stats;

namespace GenieHive.Bench.Load.Scenarios;

/// <summary>
/// Closed-loop throughput at a given concurrency for the three paths, interleaved in rotated rounds, with the CPU
/// each process spent per request and the GC work of the measured proxies over the same window.
/// </summary>
internal static class Throughput
{
    public static async Task<ThroughputResult> RunAsync(
        BenchCluster cluster,
        IReadOnlyList<Target> targets,
        int concurrency,
        BenchSettings settings,
        Action<string> log,
        CancellationToken cancellationToken)
    {
        var result = new ThroughputResult { Concurrency = concurrency };
        var probes = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            [Comparison.Forwarder] = cluster.ForwarderProbePort,
            [Comparison.Facade] = cluster.FacadeProbePort,
        };

        for (var round = 0; round < settings.ThroughputRounds; round++)
        {
            var order = Comparison.Rotate(targets, round);
            var rps = new Dictionary<string, double>(StringComparer.Ordinal);
            var latency = new Dictionary<string, LatencySummary>(StringComparer.Ordinal);
            var cpu = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
            var gc = new Dictionary<string, GcDelta>(StringComparer.Ordinal);
            foreach (var target in order)
            {
                var start = Stopwatch.GetTimestamp();
                var measureFrom = start + (long)(settings.ThroughputWarmupSeconds * Stopwatch.Frequency);
                var stopAt = measureFrom + (long)(settings.ThroughputSeconds * Stopwatch.Frequency);
                var run = ClosedLoop.RunAsync(target, concurrency, measureFrom, stopAt, int.MaxValue, warmupRequests: 0, cancellationToken);

                await Task.Delay(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), measureFrom), cancellationToken);
                var cpuBefore = CpuNow(cluster);
                ProbeSnapshot? probeBefore = probes.TryGetValue(target.Name, out var port) ? await ProbeClient.ReadAsync(port, cancellationToken) : null;
                await Task.Delay(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), stopAt), cancellationToken);
                var cpuAfter = CpuNow(cluster);
                ProbeSnapshot? probeAfter = probeBefore is null ? null : await ProbeClient.ReadAsync(port, cancellationToken);

                var load = await run;
                var seconds = (stopAt - measureFrom) / (double)Stopwatch.Frequency;
                rps[target.Name] = load.Completed / seconds;
                latency[target.Name] = load.Latency.Summarize();
                cpu[target.Name] = cpuAfter.Where(p => cpuBefore.ContainsKey(p.Key))
                    .Select(p => (p.Key, Ms: (p.Value - cpuBefore[p.Key]) * 1000 / Math.Max(1, load.Completed)))
                    .Where(p => p.Ms > 0)
                    .ToDictionary(p => p.Key, p => Math.Round(p.Ms, 4), StringComparer.Ordinal);
                if (probeBefore is not null && probeAfter is not null)
                {
                    gc[target.Name] = new GcDelta(
                        probeAfter.AllocatedBytes - probeBefore.AllocatedBytes,
                        probeAfter.Gen0 - probeBefore.Gen0,
                        probeAfter.Gen1 - probeBefore.Gen1,
                        probeAfter.Gen2 - probeBefore.Gen2,
                        probeAfter.GcPauseMs - probeBefore.GcPauseMs);
                }

                result.Errors += load.Errors;
                if (load.FirstError is { } error && result.ErrorSamples.Count < 5)
                {
                    result.ErrorSamples.Add(error);
                }
            }

            result.Rounds.Add(new ThroughputRound(round + 1, order.Select(t => t.Name).ToList(), rps, latency, cpu, gc));
            var line = string.Join("  ", targets.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name} {rps[t.Name]:F0} req/s (p50 {latency[t.Name].P50:F2} ms)")));
            log(string.Create(CultureInfo.InvariantCulture, $"  {concurrency} clients, round {round + 1}/{settings.ThroughputRounds}: {line}"));
        }

        foreach (var target in targets)
        {
            result.RequestsPerSecond[target.Name] = RoundAggregate.Of(result.Rounds.Select(r => r.RequestsPerSecond[target.Name]).ToList());
            var processes = result.Rounds.SelectMany(r => r.CpuMsPerRequest[target.Name].Keys).Distinct(StringComparer.Ordinal);
            result.CpuMsPerRequest[target.Name] = processes.ToDictionary(
                p => p,
                p => Math.Round(Percentiles.Median(result.Rounds.Select(r => r.CpuMsPerRequest[target.Name].GetValueOrDefault(p))), 4),
                StringComparer.Ordinal);
        }

        result.FacadeToForwarder = RoundAggregate.Of(result.Rounds.Select(r => r.RequestsPerSecond[Comparison.Facade] / r.RequestsPerSecond[Comparison.Forwarder]).ToList());
        result.ForwarderToDirect = RoundAggregate.Of(result.Rounds.Select(r => r.RequestsPerSecond[Comparison.Forwarder] / r.RequestsPerSecond[Comparison.Direct]).ToList());
        return result;
    }

    private static Dictionary<string, double> CpuNow(BenchCluster cluster)
    {
        var cpu = new Dictionary<string, double>(cluster.CpuSeconds(), StringComparer.Ordinal)
        {
            ["client"] = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
        };
        return cpu;
    }
}
