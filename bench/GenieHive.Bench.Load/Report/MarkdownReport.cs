using System.Globalization;
using System.Text;
using GenieHive.Bench.Load.Scenarios;
using GenieHive.Bench.Load.Stats;

namespace GenieHive.Bench.Load.Report;

/// <summary>The summary table (DESIGN.md's numbers with must/aim and a verdict per row) and the details behind it.</summary>
internal static class MarkdownReport
{
    public static string Render(BenchResults results)
    {
        var md = new StringBuilder();
        var m = results.Machine;
        md.AppendLine(F("# GenieHive bench {0}", results.Timestamp));
        md.AppendLine();
        md.AppendLine(F("{0}; GC: {1}. Machine: {2} cores, {3}, {4:F1} GiB; {5}; {6} (SDK {7}); commit {8}{9}.",
            results.Mode, results.Gc, m.Cores, m.CpuModel, m.MemoryBytes / (1024.0 * 1024 * 1024), m.Os, m.Runtime, m.Sdk, m.Commit, m.Dirty ? " (with uncommitted changes)" : ""));
        if (results.Variant.Length > 0)
        {
            md.AppendLine();
            md.AppendLine("Settings: " + results.Variant + ".");
        }

        if (results.LoadAverage.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Load average (1 min) by phase: " + string.Join(", ", results.LoadAverage.Select(l => F("{0} {1:F2}", l.Phase, l.One))) + ".");
        }

        if (results.Warmup is { } w)
        {
            md.AppendLine();
            md.AppendLine(F("Warm-up: {0:F0} s, JIT {1} (facade {2} methods compiled in {3:F0} ms, bare forwarder {4} in {5:F0} ms).",
                w.Seconds, w.Settled ? "settled" : "**not settled** (measurements include compilation)", w.FacadeJitMethods, w.FacadeJitMs, w.ForwarderJitMethods, w.ForwarderJitMs));
        }

        md.AppendLine();
        md.AppendLine("| what | measured | must | aim | verdict |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var row in results.Verdicts)
        {
            md.AppendLine(F("| {0} | {1} | {2} | {3} | {4} |", row.What, row.Measured, row.Must, row.Aim, row.Status));
        }

        AppendComparison(md, "Latency one request at a time (ms, request start to last body byte)", results.Latency);
        AppendComparison(md, "Time to first token when streaming (ms, request start to the first SSE event with content)", results.Ttft);
        AppendThroughput(md, results.Throughput);
        AppendMemory(md, results.Memory);
        AppendAllocations(md, results.Allocations);
        AppendRouting(md, results.Routing);

        if (results.Notes.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Notes");
            md.AppendLine();
            foreach (var note in results.Notes)
            {
                md.AppendLine("- " + note);
            }
        }

        return md.ToString();
    }

    private static void AppendComparison(StringBuilder md, string title, ComparisonResult? comparison)
    {
        if (comparison is null)
        {
            return;
        }

        md.AppendLine();
        md.AppendLine("## " + title);
        md.AppendLine();
        md.AppendLine(F("{0}; {1} rounds, {2} client(s); added = target minus direct within each round, median over rounds [min..max]; pooled = p99 of all the target's samples minus p99 of all direct samples.",
            comparison.Description, comparison.Rounds.Count, comparison.Concurrency));
        md.AppendLine();
        md.AppendLine("| target | n | p50 | p90 | p99 | p99.9 | max | added p50 | added p99 | added p99 pooled |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (name, s) in comparison.Pooled)
        {
            var added50 = comparison.AddedP50.TryGetValue(name, out var a50) ? Agg(a50) : "-";
            var added99 = comparison.AddedP99.TryGetValue(name, out var a99) ? Agg(a99) : "-";
            var pooled99 = comparison.PooledAddedP99.TryGetValue(name, out var p99) ? F("{0:F3}", p99) : "-";
            md.AppendLine(F("| {0} | {1} | {2:F3} | {3:F3} | {4:F3} | {5:F3} | {6:F3} | {7} | {8} | {9} |", name, s.Count, s.P50, s.P90, s.P99, s.P999, s.Max, added50, added99, pooled99));
        }

        if (comparison.Errors > 0)
        {
            md.AppendLine();
            md.AppendLine(F("**{0} errors**: {1}", comparison.Errors, string.Join("; ", comparison.ErrorSamples)));
        }
    }

    private static void AppendThroughput(StringBuilder md, List<ThroughputResult> throughput)
    {
        if (throughput.Count == 0)
        {
            return;
        }

        md.AppendLine();
        md.AppendLine("## Throughput (closed loop, non-streaming chat, zero-latency upstream)");
        md.AppendLine();
        md.AppendLine("| clients | direct req/s | forwarder req/s | facade req/s | facade ÷ forwarder | forwarder ÷ direct | facade p50 / p99 ms | forwarder p50 / p99 ms |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var t in throughput)
        {
            var facadeLatency = t.Rounds.Select(r => r.Latency[Comparison.Facade]).ToList();
            var forwarderLatency = t.Rounds.Select(r => r.Latency[Comparison.Forwarder]).ToList();
            md.AppendLine(F("| {0} | {1:F0} | {2:F0} | {3:F0} | {4} | {5} | {6:F2} / {7:F2} | {8:F2} / {9:F2} |",
                t.Concurrency, t.RequestsPerSecond[Comparison.Direct].Median, t.RequestsPerSecond[Comparison.Forwarder].Median, t.RequestsPerSecond[Comparison.Facade].Median,
                Agg(t.FacadeToForwarder, "F3"), Agg(t.ForwarderToDirect, "F3"),
                Percentiles.Median(facadeLatency.Select(l => l.P50)), Percentiles.Median(facadeLatency.Select(l => l.P99)),
                Percentiles.Median(forwarderLatency.Select(l => l.P50)), Percentiles.Median(forwarderLatency.Select(l => l.P99))));
        }

        md.AppendLine();
        md.AppendLine("CPU per request (ms, all processes; median over rounds): where the two cores go for each path.");
        md.AppendLine();
        var processes = throughput.SelectMany(t => t.CpuMsPerRequest.Values.SelectMany(v => v.Keys)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        md.AppendLine("| clients | path | " + string.Join(" | ", processes) + " | total |");
        md.AppendLine("|---|---|" + string.Concat(processes.Select(_ => "---|")) + "---|");
        foreach (var t in throughput)
        {
            foreach (var (path, cpu) in t.CpuMsPerRequest)
            {
                md.AppendLine(F("| {0} | {1} | ", t.Concurrency, path) + string.Join(" | ", processes.Select(p => cpu.TryGetValue(p, out var v) ? v.ToString("F3", CultureInfo.InvariantCulture) : "-"))
                    + F(" | {0:F3} |", cpu.Values.Sum()));
            }
        }

        var gcRows = throughput.SelectMany(t => t.Rounds.SelectMany(r => r.Gc.Select(g => (t.Concurrency, Path: g.Key, g.Value)))).ToList();
        if (gcRows.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("GC in the measured proxies during the throughput windows (sum over rounds):");
            md.AppendLine();
            md.AppendLine("| clients | process | allocated MB | gen0 | gen1 | gen2 | pause ms |");
            md.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var group in gcRows.GroupBy(g => (g.Concurrency, g.Path)))
            {
                md.AppendLine(F("| {0} | {1} | {2:F1} | {3} | {4} | {5} | {6:F1} |", group.Key.Concurrency, group.Key.Path,
                    group.Sum(g => g.Value.AllocatedBytes) / 1e6, group.Sum(g => g.Value.Gen0), group.Sum(g => g.Value.Gen1), group.Sum(g => g.Value.Gen2), group.Sum(g => g.Value.PauseMs)));
            }
        }

        var errors = throughput.Sum(t => t.Errors);
        if (errors > 0)
        {
            md.AppendLine();
            md.AppendLine(F("**{0} errors**: {1}", errors, string.Join("; ", throughput.SelectMany(t => t.ErrorSamples).Take(5))));
        }
    }

    private static void AppendMemory(StringBuilder md, MemoryResult? memory)
    {
        if (memory is null)
        {
            return;
        }

        md.AppendLine();
        md.AppendLine("## Facade memory");
        md.AppendLine();
        md.AppendLine("| when | RSS MB | GC heap MB | GC committed MB | threads | server GC |");
        md.AppendLine("|---|---|---|---|---|---|");
        Row("idle, fresh", memory.IdleFresh);
        Row("idle, after the load phases", memory.IdleAfterLoad);
        Row(F("{0}/{1} streams open (peak)", memory.StreamsOpen, memory.StreamsRequested), memory.UnderStreams);
        Row("streams closed (+2 s)", memory.AfterStreams);
        Row("bare forwarder, idle, fresh", memory.ForwarderIdleFresh);
        Row("bare forwarder, idle, after the load phases", memory.ForwarderIdleAfterLoad);
        if (memory.Problem is { } problem)
        {
            md.AppendLine();
            md.AppendLine("**Problem**: " + problem);
        }

        void Row(string when, MemoryReading? r)
        {
            if (r is not null)
            {
                md.AppendLine(F("| {0} | {1:F1} | {2:F1} | {3:F1} | {4} | {5} |", when, r.RssBytes / 1e6, r.GcHeapBytes / 1e6, r.GcCommittedBytes / 1e6, r.Threads, r.ServerGc ? "yes" : "no"));
            }
        }
    }

    private static void AppendAllocations(StringBuilder md, List<AllocationResult> allocations)
    {
        if (allocations.Count == 0)
        {
            return;
        }

        md.AppendLine();
        md.AppendLine("## Allocations per request (in process, idle background subtracted)");
        md.AppendLine();
        md.AppendLine("| process | request | requests | bytes/request | idle bytes/s |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var a in allocations)
        {
            md.AppendLine(F("| {0} | {1} | {2} | {3:F0} | {4:F0} |", a.Process, a.Request, a.Requests, a.BytesPerRequest, a.BackgroundBytesPerSecond));
        }
    }

    private static void AppendRouting(StringBuilder md, List<RoutingResult> routing)
    {
        if (routing.Count == 0)
        {
            return;
        }

        md.AppendLine();
        md.AppendLine("## Route selection (BenchmarkDotNet, in process, short job)");
        md.AppendLine();
        md.AppendLine("| case | services | mean µs | median µs | allocated B/op |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var r in routing.OrderBy(r => r.Method, StringComparer.Ordinal).ThenBy(r => r.Services))
        {
            md.AppendLine(F("| {0} | {1:N0} | {2:F3} | {3:F3} | {4} |", r.Method, r.Services, r.MeanNs / 1000, r.MedianNs / 1000, r.AllocatedBytes?.ToString("F0", CultureInfo.InvariantCulture) ?? "-"));
        }
    }

    private static string Agg(RoundAggregate a, string format = "F3") =>
        double.IsNaN(a.Median)
            ? "-"
            : a.Median.ToString(format, CultureInfo.InvariantCulture) + " [" + a.Min.ToString(format, CultureInfo.InvariantCulture) + ".." + a.Max.ToString(format, CultureInfo.InvariantCulture) + "]";

    private static string F(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
