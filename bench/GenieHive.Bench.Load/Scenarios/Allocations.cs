using System.Diagnostics;
using GenieHive.Bench.Load.Cluster;
using GenieHive.Bench.Load.Report;

namespace GenieHive.Bench.Load.Scenarios;

/// <summary>
/// Bytes allocated per request inside a measured process (the probe's <c>GC.GetTotalAllocatedBytes(true)</c>),
/// with its idle background allocation rate (timers, the routing-table watch, observation reports) subtracted.
/// </summary>
internal static class Allocations
{
    public static async Task<AllocationResult> MeasureAsync(string process, int probePort, Target target, int requests, CancellationToken cancellationToken, string? description = null)
    {
        var idleStart = await ProbeClient.ReadAsync(probePort, cancellationToken);
        var idleClock = Stopwatch.GetTimestamp();
        await Task.Delay(2000, cancellationToken);
        var idleEnd = await ProbeClient.ReadAsync(probePort, cancellationToken);
        var idleSeconds = Stopwatch.GetElapsedTime(idleClock).TotalSeconds;

        // The probe's own answer allocates a little; it is inside the idle rate too.
        var background = (idleEnd.AllocatedBytes - idleStart.AllocatedBytes) / idleSeconds;

        var before = await ProbeClient.ReadAsync(probePort, cancellationToken);
        var clock = Stopwatch.GetTimestamp();
        var load = await ClosedLoop.RunAsync(target, 1, 0, clock + (120 * Stopwatch.Frequency), requests, warmupRequests: 0, cancellationToken);
        var after = await ProbeClient.ReadAsync(probePort, cancellationToken);
        var seconds = Stopwatch.GetElapsedTime(clock).TotalSeconds;

        var perRequest = (after.AllocatedBytes - before.AllocatedBytes - (background * seconds)) / Math.Max(1, load.Completed);
        return new AllocationResult(process, description ?? (target.Streaming ? "chat stream (16 tokens)" : "chat json"), load.Completed, Math.Round(perRequest), Math.Round(background), Math.Round(seconds, 2));
    }
}
