using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Control.Benchmarks.Workloads;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Benchmarks.Runs;

/// <summary>How a report about a run went.</summary>
public enum ReportStatus
{
    Applied,
    UnknownRun,
    UnknownTarget,

    /// <summary>The run has finished (cancelled by an operator, or its lease ran out): the benchmarker stops.</summary>
    RunFinished,

    /// <summary>A case reported before the one before it.</summary>
    OutOfOrder,

    /// <summary>A case index the run does not have.</summary>
    NoSuchCase,
}

/// <summary>A report's outcome and, when applied, the run as it is now.</summary>
public sealed record ReportResult(ReportStatus Status, BenchmarkRun? Run, string? Problem = null)
{
    public BenchmarkRunTarget? Target(string serviceId) =>
        Run?.Targets.FirstOrDefault(t => string.Equals(t.ServiceId, serviceId, StringComparison.Ordinal));
}

/// <summary>
/// Applies what the benchmarker reports to the run store: lease renewals, a service started, a case measured (judged
/// here with the case's check), a service finished (its sample stored from the recorded cases), the run finished.
/// Also the operator's cancel. Cancellation is a state here: the benchmarker sees it on its next report or renewal.
/// Reports are idempotent: a case is keyed by its index, a finish by the state it leaves, so a re-sent one changes
/// nothing.
/// </summary>
public sealed partial class BenchmarkRunReports(
    BenchmarkRunStore runs,
    BenchmarkSampleStore samples,
    WorkloadCatalog workloads,
    IOptions<BenchmarksOptions> options,
    TimeProvider time,
    ILogger<BenchmarkRunReports> logger)
{
    /// <summary>Cancels a queued or running run at once. Null when the run is unknown; a finished run is returned unchanged.</summary>
    public async Task<BenchmarkRun?> CancelAsync(string id, CancellationToken cancellationToken)
    {
        var now = time.UnixSeconds();
        var cancelled = await runs.UpdateAsync(id, run => BenchmarkRunStatuses.IsFinished(run.Status)
            ? null
            : RunOutcomes.Finish(run, BenchmarkRunStatuses.Cancelled,
                run.Status == BenchmarkRunStatuses.Queued ? RunOutcomes.CancelledBeforeStart : RunOutcomes.CancelledByOperator, now), cancellationToken);
        if (cancelled is not null)
        {
            LogCancelled(logger, id);
        }

        return cancelled ?? runs.Get(id);
    }

    public Task<ReportResult> RenewLeaseAsync(string id, CancellationToken cancellationToken) =>
        ApplyAsync(id, run => Renewed(run), cancellationToken);

    public Task<ReportResult> StartTargetAsync(string id, string serviceId, CancellationToken cancellationToken) =>
        ApplyToTargetAsync(id, serviceId, (_, target) => target.Status == BenchmarkRunStatuses.Queued
            ? target with { Status = BenchmarkRunStatuses.Running, StartedAt = time.UnixSeconds() }
            : target, cancellationToken);

    /// <summary>Records case <paramref name="index"/> once: a repeat of a recorded case changes nothing, a gap is refused.</summary>
    public Task<ReportResult> RecordCaseAsync(string id, string serviceId, int index, BenchmarkCaseMeasurement measurement, CancellationToken cancellationToken)
    {
        if (runs.Get(id) is { } known && workloads.Find(known.Workload) is { } workload
            && CaseRequests.At(workload, known.Repetitions, index) is { } found)
        {
            var result = CaseJudge.Judge(found.Case, found.Repetition, measurement);
            return ApplyToTargetAsync(id, serviceId, (_, target) =>
            {
                if (index < target.Cases.Count || BenchmarkRunStatuses.IsFinished(target.Status))
                {
                    return target;
                }

                if (index > target.Cases.Count)
                {
                    return null;
                }

                List<BenchmarkCaseResult> cases = [.. target.Cases, result];
                return target with
                {
                    Status = BenchmarkRunStatuses.Running,
                    CasesDone = cases.Count,
                    CasesPassed = cases.Count(c => c.Passed),
                    Cases = cases,
                };
            }, cancellationToken);
        }

        return Task.FromResult(runs.Get(id) is null
            ? new ReportResult(ReportStatus.UnknownRun, null)
            : new ReportResult(ReportStatus.NoSuchCase, null, $"Run '{id}' has no case {index}."));
    }

    /// <summary>
    /// Finishes one service: with an error, failed; otherwise completed with the sample built from its recorded cases,
    /// or failed when none of them was answered. The target is marked before the sample is stored, so a run cancelled
    /// meanwhile never gets a sample for a service it shows unfinished.
    /// </summary>
    public async Task<ReportResult> FinishTargetAsync(string id, string serviceId, BenchmarkTargetFinish finish, CancellationToken cancellationToken)
    {
        BenchmarkSample? sample = null;
        var result = await ApplyToTargetAsync(id, serviceId, (run, target) =>
        {
            if (BenchmarkRunStatuses.IsFinished(target.Status))
            {
                return target;
            }

            var now = time.UnixSeconds();
            var error = finish.CutOff ? RunOutcomes.CutOffByTimeBound
                : finish.Error is { Length: > 0 } given ? given
                : target.Cases.Any(c => c.Answered) ? null
                : "no case was answered: " + (target.Cases.FirstOrDefault()?.Detail ?? "no cases");
            if (error is not null)
            {
                return target with { Status = BenchmarkRunStatuses.Failed, FinishedAt = now, Error = error };
            }

            var results = RunSummary.Build(target.Cases, run.Id, run.Workload);
            sample = new BenchmarkSample
            {
                BenchmarkId = run.Id + ":" + serviceId,
                ServiceId = serviceId,
                AssetId = target.AssetId,
                Workload = run.Workload,
                ObservedAt = now,
                Results = results,
            };
            return target with { Status = BenchmarkRunStatuses.Completed, FinishedAt = now, BenchmarkId = sample.BenchmarkId, Results = results };
        }, cancellationToken);

        if (result.Status == ReportStatus.Applied && sample is not null)
        {
            await samples.IngestAsync([sample], cancellationToken);
            LogServiceMeasured(logger, id, serviceId,
                Number(sample.Results, BenchmarkResultFields.PassRate) ?? 0, Number(sample.Results, BenchmarkResultFields.P50LatencyMs));
        }

        return result;
    }

    /// <summary>Ends the run once the benchmarker has finished every service (services it never finished fail).</summary>
    public async Task<ReportResult> FinishRunAsync(string id, BenchmarkRunFinish finish, CancellationToken cancellationToken)
    {
        var result = await ApplyAsync(id, run => RunOutcomes.Conclude(run, finish, time.UnixSeconds()), cancellationToken);
        if (result is { Status: ReportStatus.Applied, Run: { } finished })
        {
            LogFinished(logger, id, finished.Status, finished.Targets.Count(t => t.Status == BenchmarkRunStatuses.Completed), finished.Targets.Count);
        }

        return result;
    }

    private Task<ReportResult> ApplyToTargetAsync(
        string id, string serviceId, Func<BenchmarkRun, BenchmarkRunTarget, BenchmarkRunTarget?> change, CancellationToken cancellationToken)
    {
        var outOfOrder = false;
        var unknownTarget = false;
        return ApplyAsync(id, run =>
        {
            var target = run.Targets.FirstOrDefault(t => string.Equals(t.ServiceId, serviceId, StringComparison.Ordinal));
            if (target is null)
            {
                unknownTarget = true;
                return null;
            }

            if (change(run, target) is not { } changed)
            {
                outOfOrder = true;
                return null;
            }

            return Renewed(run) with { Targets = [.. run.Targets.Select(t => ReferenceEquals(t, target) ? changed : t)] };
        }, cancellationToken, () => unknownTarget
            ? new ReportResult(ReportStatus.UnknownTarget, null, $"Run '{id}' does not measure service '{serviceId}'.")
            : outOfOrder ? new ReportResult(ReportStatus.OutOfOrder, null, "A case was reported before the one before it.") : null);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to a running run (renewing its lease). A finished run is not changed: the
    /// benchmarker is told, and stops.
    /// </summary>
    private async Task<ReportResult> ApplyAsync(
        string id, Func<BenchmarkRun, BenchmarkRun?> change, CancellationToken cancellationToken, Func<ReportResult?>? refused = null)
    {
        var finished = false;
        var changed = await runs.UpdateAsync(id, run =>
        {
            if (run.Status != BenchmarkRunStatuses.Running)
            {
                finished = true;
                return null;
            }

            return change(run);
        }, cancellationToken);

        if (changed is not null)
        {
            return new ReportResult(ReportStatus.Applied, changed);
        }

        var current = runs.Get(id);
        return current is null ? new ReportResult(ReportStatus.UnknownRun, null)
            : finished ? new ReportResult(ReportStatus.RunFinished, current, $"Run '{id}' already {current.Status}.")
            : refused?.Invoke() ?? new ReportResult(ReportStatus.Applied, current);
    }

    private BenchmarkRun Renewed(BenchmarkRun run) => run with { LeaseExpiresAt = time.UnixSeconds() + options.Value.LeaseSeconds };

    private static double? Number(JsonObject results, string key) =>
        results[key] is JsonValue value && value.TryGetValue(out double number) ? number : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Benchmark run {RunId}: {ServiceId} measured, pass rate {PassRate}, p50 {P50LatencyMs} ms")]
    private static partial void LogServiceMeasured(ILogger logger, string runId, string serviceId, double passRate, double? p50LatencyMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Benchmark run {RunId} {Status}: {Completed} of {ServiceCount} services measured")]
    private static partial void LogFinished(ILogger logger, string runId, string status, int completed, int serviceCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Benchmark run {RunId} cancelled by the operator")]
    private static partial void LogCancelled(ILogger logger, string runId);
}
