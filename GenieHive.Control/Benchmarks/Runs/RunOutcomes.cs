using System.Globalization;
using GenieHive.Contracts.Cluster;

namespace GenieHive.Control.Benchmarks.Runs;

/// <summary>How a run and its services end, as Control records it: the wording operators read in <c>error</c>.</summary>
public static class RunOutcomes
{
    public const string CancelledByOperator = "cancelled by the operator";
    public const string CancelledBeforeStart = "cancelled before it started";
    public const string CutOffByTimeBound = "the run exceeded its time bound";

    /// <summary>The run's lease ran out in this Control process: its benchmarker stopped or lost Control.</summary>
    public static string WorkerSilent(double leaseSeconds) => string.Create(CultureInfo.InvariantCulture,
        $"its benchmarker stopped reporting for {leaseSeconds:0.#} s; its unfinished services were not measured");

    /// <summary>The run was running when Control started, and no benchmarker took it up again within the lease.</summary>
    public static string InterruptedByRestart(double leaseSeconds) => string.Create(CultureInfo.InvariantCulture,
        $"Control restarted while the run was running, and its benchmarker did not report again within {leaseSeconds:0.#} s; its unfinished services were not measured");

    /// <summary>The run, and every service of it that has not finished, in <paramref name="status"/> for <paramref name="reason"/>.</summary>
    public static BenchmarkRun Finish(BenchmarkRun run, string status, string reason, double now) => run with
    {
        Status = status,
        FinishedAt = now,
        Error = reason,
        LeaseExpiresAt = null,
        Targets = [.. run.Targets.Select(target => BenchmarkRunStatuses.IsFinished(target.Status)
            ? target
            : target with { Status = status, FinishedAt = now, Error = target.Error ?? reason })],
    };

    /// <summary>
    /// A run whose services are all done: completed when at least one was measured (saying when some were not, or
    /// were cut off by the time bound), failed with the first service's error otherwise.
    /// </summary>
    public static BenchmarkRun Conclude(BenchmarkRun run, BenchmarkRunFinish finish, double now)
    {
        var completed = run.Targets.Count(t => t.Status == BenchmarkRunStatuses.Completed);
        if (completed == 0)
        {
            var first = run.Targets.FirstOrDefault(t => t.Error is not null)?.Error ?? "no service answered";
            return Finish(run, BenchmarkRunStatuses.Failed, first, now);
        }

        var cutOff = run.Targets.Any(t => t.Error == CutOffByTimeBound);
        return run with
        {
            Status = BenchmarkRunStatuses.Completed,
            FinishedAt = now,
            LeaseExpiresAt = null,
            Error = cutOff
                ? string.Create(CultureInfo.InvariantCulture, $"some services were cut off by the run's time bound ({finish.TimeBoundSeconds ?? 0:0} s)")
                : completed < run.Targets.Count ? "some services were not measured" : null,
        };
    }
}
