using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Control.Benchmarks.Workloads;
using GenieHive.Control.Leadership;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Benchmarks.Runs;

/// <summary>
/// The runs waiting for the benchmarker: a planned run is stored queued, and a claim takes the oldest one, leased to
/// the claimant, with the requests its cases send. A claim waits (long poll) when nothing is queued, and is answered
/// as soon as a run is submitted here, or within <see cref="StoreLookInterval"/> of one queued through another Control
/// replica (the store is the truth; this replica only hears of its own submissions).
/// </summary>
public sealed partial class BenchmarkRunQueue(
    BenchmarkRunStore runs,
    WorkloadCatalog workloads,
    IOptions<BenchmarksOptions> options,
    TimeProvider time,
    ILogger<BenchmarkRunQueue> logger)
{
    /// <summary>The longest a claim waits for a run to be queued.</summary>
    public const int MaxClaimWaitSeconds = 25;

    /// <summary>How often a waiting claim looks at the store for runs queued through other replicas.</summary>
    public static readonly TimeSpan StoreLookInterval = TimeSpan.FromMilliseconds(500);

    private TaskCompletionSource _submitted = NewSignal();

    /// <summary>
    /// Stores a planned run as queued and wakes a waiting claim; a run only the leader may queue (the schedule's)
    /// carries its <paramref name="term"/>.
    /// </summary>
    public async Task<BenchmarkRun> SubmitAsync(BenchmarkRun run, CancellationToken cancellationToken, LeaderTerm? term = null)
    {
        await runs.AddAsync(run, cancellationToken, term);
        Interlocked.Exchange(ref _submitted, NewSignal()).TrySetResult();
        LogQueued(logger, run.Id, run.Workload, run.TargetType, run.TargetName, run.Targets.Count, run.Trigger);
        return run;
    }

    /// <summary>The oldest queued run, now running and leased to <paramref name="worker"/>; null when none came within <paramref name="wait"/>.</summary>
    public async Task<BenchmarkRunClaim?> ClaimAsync(string? worker, TimeSpan wait, CancellationToken cancellationToken)
    {
        // A network wait: real time, whatever clock runs and leases are stamped with (tests move that one by hand).
        var clock = TimeProvider.System;
        var deadline = clock.GetTimestamp() + (long)(wait.TotalSeconds * clock.TimestampFrequency);
        while (true)
        {
            // Take the signal before looking: a run submitted in between completes it.
            var submitted = Volatile.Read(ref _submitted).Task;
            if (await TakeOldestAsync(worker, cancellationToken) is { } claim)
            {
                return claim;
            }

            var remaining = TimeSpan.FromSeconds((deadline - clock.GetTimestamp()) / (double)clock.TimestampFrequency);
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            try
            {
                await submitted.WaitAsync(remaining < StoreLookInterval ? remaining : StoreLookInterval, clock, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Look again: another replica may have queued a run meanwhile (the deadline is checked above).
            }
        }
    }

    private async Task<BenchmarkRunClaim?> TakeOldestAsync(string? worker, CancellationToken cancellationToken)
    {
        var lease = options.Value.LeaseSeconds;
        while (true)
        {
            var now = time.UnixSeconds();
            var run = await runs.ClaimOldestQueuedAsync(queued => queued with
            {
                Status = BenchmarkRunStatuses.Running,
                StartedAt = now,
                Worker = string.IsNullOrWhiteSpace(worker) ? "benchmarker" : worker.Trim(),
                LeaseExpiresAt = now + lease,
            }, cancellationToken);
            if (run is null)
            {
                return null;
            }

            if (workloads.Find(run.Workload) is not { } workload)
            {
                // The workloads file changed under a queued run (a restart with another file): nothing to send.
                await runs.UpdateAsync(run.Id, r => RunOutcomes.Finish(r, BenchmarkRunStatuses.Failed, $"workload '{r.Workload}' no longer exists", now), cancellationToken);
                continue;
            }

            LogClaimed(logger, run.Id, run.Worker!, run.Targets.Count);
            return new BenchmarkRunClaim { Run = run, Cases = CaseRequests.For(workload, run.Repetitions), LeaseSeconds = lease };
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Information, Message = "Benchmark run {RunId} queued: {Workload} against {TargetType} {TargetName} ({ServiceCount} services, {Trigger})")]
    private static partial void LogQueued(ILogger logger, string runId, string workload, string targetType, string targetName, int serviceCount, string trigger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Benchmark run {RunId} claimed by {Worker} ({ServiceCount} services)")]
    private static partial void LogClaimed(ILogger logger, string runId, string worker, int serviceCount);
}
