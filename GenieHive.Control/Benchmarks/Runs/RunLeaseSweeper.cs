using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Control.Leadership;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Benchmarks.Runs;

/// <summary>
/// Fails running runs whose lease ran out: nothing measures them any more (the benchmarker stopped, crashed or lost
/// Control for longer than the lease). A run that was running when Control started and was never renewed since says
/// so; a benchmarker that is still measuring it renews it as soon as it reaches Control again, and carries on. Only the
/// leader sweeps (<see cref="LeaderElector"/>), and its writes are fenced: two sweepers would fail a run twice.
/// </summary>
public sealed partial class RunLeaseSweeper(
    BenchmarkRunStore runs,
    LeaderElector leadership,
    IOptions<BenchmarksOptions> options,
    TimeProvider time,
    ILogger<RunLeaseSweeper> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly double _startedAt = time.UnixSeconds();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SweepAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; leases carry on in the store.
        }
        catch (ObjectDisposedException) when (stoppingToken.IsCancellationRequested)
        {
            // The database closed under a stopping Control.
        }
    }

    /// <summary>Fails the expired runs, when this Control leads; stops at the first write refused (it no longer leads).</summary>
    public Task SweepAsync(CancellationToken cancellationToken) =>
        leadership.WhileLeadingAsync("benchmark run lease sweep", term => SweepAsync(term, cancellationToken));

    private async Task SweepAsync(LeaderTerm term, CancellationToken cancellationToken)
    {
        var lease = options.Value.LeaseSeconds;
        var now = time.UnixSeconds();
        foreach (var expired in runs.List(BenchmarkRunStatuses.Running, int.MaxValue).Where(run => run.LeaseExpiresAt < now))
        {
            var renewedAt = expired.LeaseExpiresAt!.Value - lease;
            var reason = renewedAt < _startedAt ? RunOutcomes.InterruptedByRestart(lease) : RunOutcomes.WorkerSilent(lease);
            var failed = await runs.UpdateAsync(expired.Id, run => run.Status == BenchmarkRunStatuses.Running && run.LeaseExpiresAt < now
                ? RunOutcomes.Finish(run, BenchmarkRunStatuses.Failed, reason, now)
                : null, cancellationToken, term);
            if (failed is not null)
            {
                LogExpired(logger, expired.Id, expired.Worker ?? "?", reason);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Benchmark run {RunId} failed: the lease of {Worker} ran out ({Reason})")]
    private static partial void LogExpired(ILogger logger, string runId, string worker, string reason);
}
