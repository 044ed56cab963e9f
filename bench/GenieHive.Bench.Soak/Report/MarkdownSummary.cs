using System.Globalization;
using System.Text;
using GenieHive.Bench.Soak.Scale;

namespace GenieHive.Bench.Soak.Report;

/// <summary>The human summary of a run: <c>bench/results/soak-&lt;timestamp&gt;.md</c>, also printed at the end.</summary>
internal static class MarkdownSummary
{
    public static string Render(SoakReport report)
    {
        var text = new StringBuilder();
        var shape = report.Shape;
        var hb = report.Heartbeats;
        var clients = report.Clients;
        Line(text, $"# GenieHive soak test: {(report.Verdict.Passed ? "PASSED" : "FAILED")}");
        Raw(text);
        Line(text, $"`{report.Command}` at {report.StartedUtc} (commit {report.Commit ?? "unknown"}), {shape.MeasuredSeconds:F0} s measured.");
        Line(text, $"Machine: {report.Machine.Cores} cores; load average (1 min) before {report.Machine.LoadAverageBefore}, during {report.Machine.LoadAverage1MinMin:F2}–{report.Machine.LoadAverage1MinMax:F2} (mean {report.Machine.LoadAverage1MinMean:F2}), after {report.Machine.LoadAverageAfter}.");
        Line(text, $"Shape: {shape.Nodes} nodes ({shape.Services} services; {shape.TrafficHosts} traffic hosts on the simulators) heartbeating every {shape.HeartbeatIntervalMs:F0} ms; {shape.Clients} clients at {shape.ClientRateTarget:F0} req/s through the facade; HostTimeoutSeconds {shape.HostTimeoutSeconds}.");
        Raw(text);

        Raw(text, "| | figure |");
        Raw(text, "|---|---|");
        Line(text, $"| heartbeats/s (target {hb.PerSecondTarget:F0}) | {hb.PerSecondAverage:F1} average, {hb.PerSecondMin10s:F1} lowest 10 s window |");
        Line(text, $"| Control heartbeat latency (client-side) | p50 {hb.Latency.P50:F2} ms, p95 {hb.Latency.P95:F2} ms, **p99 {hb.Latency.P99:F2} ms**, max {hb.Latency.Max:F1} ms |");
        Line(text, $"| heartbeats sent / acknowledged | {hb.Sent} / {hb.Acknowledged} ({hb.MissedTicks} late ticks, {hb.StateChanges} live-state changes) |");
        Line(text, $"| registrations | {hb.Registrations} ({hb.Reregistrations} mid-run), p99 {hb.RegistrationLatency.P99:F2} ms |");
        Line(text, $"| client requests/s | {clients.PerSecondAverage:F1} ({clients.Ok} ok of {clients.Sent}) |");
        Line(text, $"| client latency | p50 {clients.Latency.P50:F2} ms, p99 {clients.Latency.P99:F2} ms, max {clients.Latency.Max:F1} ms |");
        foreach (var (kind, summary) in clients.ByKind)
        {
            Line(text, $"| — {kind} | {summary.Count} requests, p50 {summary.P50:F2} ms, p99 {summary.P99:F2} ms |");
        }

        Line(text, $"| — streamed time to first content | p50 {clients.StreamTtft.P50:F2} ms, p99 {clients.StreamTtft.P99:F2} ms |");
        Line(text, $"| errors | heartbeat/registration {hb.ErrorCount}, client {clients.ErrorCount} |");
        foreach (var check in report.UpdateChecks)
        {
            Line(text, $"| lost updates ({check.Source}) | {check.LostUpdates} of {check.HostsExpected} hosts ({check.HostsFound} found, {check.StaleHosts} stale{(check.WaitedSeconds > 0 ? $", after {check.WaitedSeconds:F1} s" : "")}) |");
        }

        var maxStale = report.Cluster.Count == 0 ? 0 : report.Cluster.Max(sample => sample.StaleHosts);
        var versions = report.Cluster.Count < 2 ? 0 : report.Cluster[^1].RoutingVersion - report.Cluster[0].RoutingVersion;
        Line(text, $"| stale hosts seen during the run | {maxStale} at most; {versions} routing table versions published while sampled |");
        foreach (var log in report.Logs)
        {
            Line(text, $"| {log.Service} log | {log.Errors} errors, {log.Warnings} warnings ({log.StaleHostWarnings} stale-host) |");
        }

        Raw(text);
        RenderScale(text, report.Scale);

        Raw(text);
        Raw(text, "Memory (" + report.Memory.Rule + "; sampled every " + report.Memory.SampleIntervalSeconds.ToString("F0", CultureInfo.InvariantCulture) + " s):");
        Raw(text);
        Raw(text, "| process | RSS start / peak / end | GC heap start / peak / end | threads | plateau |");
        Raw(text, "|---|---|---|---|---|");
        foreach (var process in report.Memory.Processes)
        {
            var gc = process.GcHeapPeakMb is null ? "n/a" : $"{process.GcHeapStartMb:F1} / {process.GcHeapPeakMb:F1} / {process.GcHeapEndMb:F1} MB";
            var plateau = string.Join("; ", process.Plateau.Select(v =>
                $"{v.Series} {(v.Holds ? "holds" : "GROWS")} (thirds max {v.FirstThirdMaxMb:F1} → {v.MiddleThirdMaxMb:F1} → {v.LastThirdMaxMb:F1} MB, limit {v.LimitMb:F1}; half means {v.FirstHalfMeanMb:F1} → {v.SecondHalfMeanMb:F1} MB, {v.SecondHalfGrowthPercent:+0.0;-0.0;0.0} %)"));
            Line(text, $"| {process.Name} (pid {process.Pid}{(process.AliveAtEnd ? "" : ", DIED")}) | {process.RssStartMb:F1} / {process.RssPeakMb:F1} / {process.RssEndMb:F1} MB | {gc} | {process.ThreadsStart} → {process.ThreadsEnd} | {plateau} |");
        }

        Raw(text);
        Raw(text, "RSS series (MB, every sample):");
        Raw(text);
        foreach (var process in report.Memory.Processes)
        {
            Raw(text, "- " + process.Name + ": " + string.Join(" ", process.Samples.Select(s => (s.RssBytes / (1024.0 * 1024)).ToString("F0", CultureInfo.InvariantCulture))));
        }

        Raw(text);
        Raw(text, "Per 10 s window: heartbeats/s (p99 ms) | client req/s (p99 ms):");
        Raw(text);
        for (var i = 0; i < hb.Windows.Count; i++)
        {
            var h = hb.Windows[i];
            var c = i < clients.Windows.Count ? clients.Windows[i] : null;
            Line(text, $"- {h.From,5:F0}–{h.To,4:F0} s: {h.PerSecond,6:F1} ({h.P99,7:F2}) | {c?.PerSecond ?? 0,5:F1} ({c?.P99 ?? 0,7:F2})");
        }

        if (!report.Verdict.Passed)
        {
            Raw(text);
            Raw(text, "Failures:");
            foreach (var failure in report.Verdict.Failures)
            {
                Raw(text, "- " + failure);
            }
        }

        var samples = hb.ErrorSamples.Concat(clients.ErrorSamples).ToList();
        if (samples.Count > 0)
        {
            Raw(text);
            Raw(text, "Error samples:");
            foreach (var (category, messages) in samples)
            {
                foreach (var message in messages)
                {
                    Line(text, $"- {category}: {message}");
                }
            }
        }

        return text.ToString();
    }

    private static void RenderScale(StringBuilder text, ScaleFigures scale)
    {
        var watch = scale.Watch;
        var visible = scale.Visibility;
        Line(text, $"Scale (issue 17's numbers; stated for 10,000 services at about 1,000 heartbeats/s): store **{scale.Store}**, {scale.Services} services, {scale.HeartbeatsPerSecond:F0} heartbeats/s.");
        Raw(text);
        Raw(text, "| | figure |");
        Raw(text, "|---|---|");
        Line(text, $"| routing watch read by the facade | {Mb(watch.FacadeFullBytes + watch.FacadeDeltaBytes)} ({Mb(watch.FacadeDeltaBytes)} deltas, {Mb(watch.FacadeFullBytes)} whole tables), {watch.FacadeBytesPerSecond / 1024:F1} KiB/s |");
        Line(text, $"| re-downloading every version instead | {watch.VersionsPublished} versions × {Mb(watch.FullTableBytes)} whole table = {Mb((long)watch.ReDownloadBytes)} |");
        Line(text, $"| Control sent on the watch | {Mb(watch.ControlDeltaBytes)} deltas, {Mb(watch.ControlFullBytes)} whole tables |");
        Line(text, $"| change visible in the facade ({visible.Changes} changes, polled every {visible.PollMs:F0} ms) | of those seen, after Control's 200: p50 {visible.FromAck.P50:F0} ms, **p99 {visible.FromAck.P99:F0} ms**, max {visible.FromAck.Max:F0} ms; from sending the heartbeat: p50 {visible.FromSend.P50:F0} ms, p99 {visible.FromSend.P99:F0} ms; {visible.NotSeen} not seen within {visible.TimeoutMs / 1000:F0} s, {visible.Untimed} untimed (each right after one not seen){(visible.NotSeen > 0 ? " (changes made at " + string.Join(", ", visible.NotSeenAt.Select(at => at.ToString("F0", CultureInfo.InvariantCulture) + " s")) + ")" : "")} |");
        Line(text, $"| Control RSS | peak {scale.ControlRssPeakMb:F1} MB, end {scale.ControlRssEndMb:F1} MB |");
        Line(text, $"| heartbeat latency ({scale.Store}) | p50 {scale.Heartbeat.P50:F2} ms, p99 {scale.Heartbeat.P99:F2} ms |");
        Raw(text);
        Raw(text, "| number | measured | must | aim |");
        Raw(text, "|---|---|---|---|");
        foreach (var target in scale.Targets)
        {
            Line(text, $"| {target.What} | {ScaleFigures.Format(target.Figure, target.Unit)} | ≤ {target.Must} {target.Unit} ({(target.MeetsMust ? "met" : "NOT met")}) | ≤ {target.Aim} {target.Unit} ({(target.MeetsAim ? "met" : "not met")}) |");
        }
    }

    private static string Mb(long bytes) => (bytes / (1024.0 * 1024)).ToString(bytes < 10 * 1024 * 1024 ? "F2" : "F0", CultureInfo.InvariantCulture) + " MiB";

    private static void Line(StringBuilder text, FormattableString line) => text.Append(line.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private static void Raw(StringBuilder text, string line = "") => text.Append(line).Append('\n');
}
