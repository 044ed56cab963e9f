using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Control.Benchmarks.Workloads;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Benchmarks.Runs;

/// <summary>
/// Runs queued benchmark runs in the background, one run at a time, so a service never has more than one
/// benchmark case in flight and client traffic always has the rest of its slots. Within a run the services are
/// measured side by side (at most <c>MaxParallelServices</c>), each one case at a time. A run is bounded: every
/// case by its timeout, the whole run by cases × timeout per service wave; it can be cancelled at any point.
/// Each service that answered stores one benchmark sample, keyed by the service id, which marks a routing change,
/// so the next routing table scores with it.
/// </summary>
public sealed partial class BenchmarkRunner(
    BenchmarkRunStore runs,
    WorkloadCatalog workloads,
    FacadeBenchmarkClient facade,
    BenchmarkSampleStore samples,
    IOptions<BenchmarksOptions> options,
    TimeProvider time,
    ILogger<BenchmarkRunner> logger) : BackgroundService
{
    /// <summary>Longest wait for the facade to route a service before its cases start.</summary>
    public static readonly TimeSpan RouteWait = TimeSpan.FromSeconds(10);

    /// <summary>How long a cancel request waits for the run to stop before answering.</summary>
    public static readonly TimeSpan CancelWait = TimeSpan.FromSeconds(10);

    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, ActiveRun> _active = new(StringComparer.Ordinal);
    private CancellationToken _stopping;

    /// <summary>Stores a planned run and queues it.</summary>
    public async Task<BenchmarkRun> SubmitAsync(BenchmarkRun run, CancellationToken cancellationToken)
    {
        await runs.AddAsync(run, cancellationToken);
        _queue.Writer.TryWrite(run.Id);
        LogQueued(logger, run.Id, run.Workload, run.TargetType, run.TargetName, run.Targets.Count, run.Trigger);
        return run;
    }

    /// <summary>
    /// Cancels a run: a queued one at once, a running one by cancelling its requests (waiting up to
    /// <see cref="CancelWait"/> for it to stop). Null when the run is unknown; a finished run is returned unchanged.
    /// </summary>
    public async Task<BenchmarkRun?> CancelAsync(string id, CancellationToken cancellationToken)
    {
        var now = time.UnixSeconds();
        var cancelled = await runs.UpdateAsync(id, run => run.Status == BenchmarkRunStatuses.Queued
            ? Finish(run, BenchmarkRunStatuses.Cancelled, "cancelled before it started", now)
            : null, cancellationToken);
        if (cancelled is not null)
        {
            LogCancelled(logger, id);
            return cancelled;
        }

        if (_active.TryGetValue(id, out var active))
        {
            active.CancelledByOperator = true;
            await active.Cancellation.CancelAsync();
            LogCancelled(logger, id);
            try
            {
                await active.Finished.Task.WaitAsync(CancelWait, TimeProvider.System, cancellationToken);
            }
            catch (TimeoutException)
            {
                // Answer with the run as it is; it reaches "cancelled" as soon as its requests unwind.
            }
        }

        return runs.Get(id);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        try
        {
            await foreach (var id in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await RunAsync(id, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; an unfinished run is failed by the next start.
        }
    }

    private async Task RunAsync(string id, CancellationToken stoppingToken)
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var active = new ActiveRun(cancellation);
        _active[id] = active;
        try
        {
            var run = await runs.UpdateAsync(id, r => r.Status == BenchmarkRunStatuses.Queued
                ? r with { Status = BenchmarkRunStatuses.Running, StartedAt = time.UnixSeconds() }
                : null, stoppingToken);
            if (run is null)
            {
                return;
            }

            if (workloads.Find(run.Workload) is not { } workload)
            {
                await runs.UpdateAsync(id, r => Finish(r, BenchmarkRunStatuses.Failed, $"workload '{r.Workload}' no longer exists", time.UnixSeconds()), stoppingToken);
                return;
            }

            var settings = options.Value;
            var waves = (int)Math.Ceiling(run.Targets.Count / (double)settings.MaxParallelServices);
            var bound = TimeSpan.FromSeconds(waves * ((run.CaseCount * run.TimeoutSeconds) + RouteWait.TotalSeconds));
            cancellation.CancelAfter(bound);
            LogStarted(logger, id, run.Workload, run.Targets.Count, bound.TotalSeconds);

            using var gate = new SemaphoreSlim(settings.MaxParallelServices);
            var token = cancellation.Token;
            await Task.WhenAll(run.Targets.Select(target => RunTargetAsync(run, workload, target, gate, active, token)));

            var now = time.UnixSeconds();
            var finished = await runs.UpdateAsync(id, r => Conclude(r, active, stoppingToken, bound, now), CancellationToken.None);
            if (finished is not null)
            {
                LogFinished(logger, id, finished.Status, finished.Targets.Count(t => t.Status == BenchmarkRunStatuses.Completed), finished.Targets.Count);
            }
        }
        catch (ObjectDisposedException) when (stoppingToken.IsCancellationRequested)
        {
            // The database closed under a stopping Control; the next start fails the run with the reason.
        }
        finally
        {
            _active.TryRemove(id, out _);
            active.Finished.TrySetResult();
        }
    }

    private async Task RunTargetAsync(
        BenchmarkRun run, BenchmarkWorkload workload, BenchmarkRunTarget target, SemaphoreSlim gate, ActiveRun active, CancellationToken cancellationToken)
    {
        var serviceId = target.ServiceId;
        var entered = false;
        try
        {
            await gate.WaitAsync(cancellationToken);
            entered = true;
            await runs.UpdateTargetAsync(run.Id, serviceId, t => t with { Status = BenchmarkRunStatuses.Running, StartedAt = time.UnixSeconds() }, cancellationToken);

            var routeWait = TimeSpan.FromSeconds(Math.Min(RouteWait.TotalSeconds, run.TimeoutSeconds));
            if (await facade.WaitUntilRoutedAsync(serviceId, routeWait, cancellationToken) is { } notRouted)
            {
                await FinishTargetAsync(run.Id, serviceId, BenchmarkRunStatuses.Failed, notRouted, null, null);
                return;
            }

            var outcomes = new List<BenchmarkCaseResult>(run.CaseCount);
            for (var repetition = 1; repetition <= run.Repetitions; repetition++)
            {
                foreach (var workloadCase in workload.Cases)
                {
                    var outcome = await RunCaseAsync(serviceId, workload, workloadCase, repetition, run.TimeoutSeconds, cancellationToken);
                    outcomes.Add(outcome);
                    await runs.UpdateTargetAsync(run.Id, serviceId, t => t with
                    {
                        CasesDone = outcomes.Count,
                        CasesPassed = outcomes.Count(o => o.Passed),
                        Cases = [.. outcomes],
                    }, cancellationToken);
                }
            }

            if (!outcomes.Any(o => o.Answered))
            {
                await FinishTargetAsync(run.Id, serviceId, BenchmarkRunStatuses.Failed,
                    "no case was answered: " + (outcomes.FirstOrDefault()?.Detail ?? "no cases"), null, null);
                return;
            }

            var results = RunSummary.Build(outcomes, run.Id, workload.Name);
            var sample = new BenchmarkSample
            {
                BenchmarkId = run.Id + ":" + serviceId,
                ServiceId = serviceId,
                AssetId = target.AssetId,
                Workload = workload.Name,
                ObservedAt = time.UnixSeconds(),
                Results = results,
            };
            await samples.IngestAsync([sample], _stopping);
            await FinishTargetAsync(run.Id, serviceId, BenchmarkRunStatuses.Completed, null, sample.BenchmarkId, results);
            LogServiceMeasured(logger, run.Id, serviceId, results[BenchmarkResultFields.PassRate]?.GetValue<double>() ?? 0, results[BenchmarkResultFields.P50LatencyMs]?.GetValue<double>());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var (status, reason) = active.CancelledByOperator
                ? (BenchmarkRunStatuses.Cancelled, "cancelled by the operator")
                : _stopping.IsCancellationRequested
                    ? (BenchmarkRunStatuses.Failed, "Control stopped while the service was being measured")
                    : (BenchmarkRunStatuses.Failed, "the run exceeded its time bound");
            await FinishTargetAsync(run.Id, serviceId, status, reason, null, null);
        }
        finally
        {
            if (entered)
            {
                gate.Release();
            }
        }
    }

    private async Task<BenchmarkCaseResult> RunCaseAsync(
        string serviceId, BenchmarkWorkload workload, WorkloadCase workloadCase, int repetition, double timeoutSeconds, CancellationToken cancellationToken)
    {
        using var caseTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        caseTimeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        CaseMeasurement measurement;
        try
        {
            measurement = workload.Kind == ServiceKinds.Embeddings
                ? await facade.EmbedAsync(serviceId, workloadCase, caseTimeout.Token)
                : await facade.ChatAsync(serviceId, workloadCase, workload.Body, caseTimeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            measurement = CaseMeasurement.Failed(
                string.Create(CultureInfo.InvariantCulture, $"timed out after {timeoutSeconds:0.#} s"), timeoutSeconds * 1000);
        }

        var check = !measurement.Answered ? CheckOutcome.Fail(measurement.Error ?? "no answer")
            : workloadCase.Check switch
            {
                AnswerCheck answer => answer.Evaluate(measurement.Text),
                CosineOrderingCheck when measurement.Vectors.Count == 3 =>
                    CosineOrderingCheck.Evaluate(measurement.Vectors[0], measurement.Vectors[1], measurement.Vectors[2]),
                CosineOrderingCheck => CheckOutcome.Fail(string.Create(CultureInfo.InvariantCulture, $"expected 3 embeddings, got {measurement.Vectors.Count}")),
                _ => CheckOutcome.Fail("unknown check " + workloadCase.Check.Type),
            };

        return new BenchmarkCaseResult
        {
            Case = workloadCase.Name,
            Repetition = repetition,
            Answered = measurement.Answered,
            Passed = measurement.Answered && check.Passed,
            Score = measurement.Answered ? check.Score : 0,
            LatencyMs = Math.Round(measurement.LatencyMs, 1),
            TtftMs = measurement.TtftMs is { } ttft ? Math.Round(ttft, 1) : null,
            TokensPerSec = measurement.TokensPerSec is { } rate ? Math.Round(rate, 2) : null,
            PromptTokens = measurement.PromptTokens,
            CompletionTokens = measurement.CompletionTokens,
            Detail = check.Detail,
        };
    }

    private Task FinishTargetAsync(string runId, string serviceId, string status, string? error, string? benchmarkId, System.Text.Json.Nodes.JsonObject? results) =>
        runs.UpdateTargetAsync(runId, serviceId, t => t with
        {
            Status = status,
            FinishedAt = time.UnixSeconds(),
            Error = error,
            BenchmarkId = benchmarkId,
            Results = results,
        }, CancellationToken.None);

    private static BenchmarkRun Conclude(BenchmarkRun run, ActiveRun active, CancellationToken stopping, TimeSpan bound, double now)
    {
        if (active.CancelledByOperator)
        {
            return Finish(run, BenchmarkRunStatuses.Cancelled, "cancelled by the operator", now);
        }

        if (stopping.IsCancellationRequested)
        {
            return Finish(run, BenchmarkRunStatuses.Failed, "Control stopped while the run was running", now);
        }

        var completed = run.Targets.Count(t => t.Status == BenchmarkRunStatuses.Completed);
        if (completed == 0)
        {
            var first = run.Targets.FirstOrDefault(t => t.Error is not null)?.Error ?? "no service answered";
            return Finish(run, BenchmarkRunStatuses.Failed, first, now);
        }

        var timedOut = run.Targets.Any(t => t.Error == "the run exceeded its time bound");
        return run with
        {
            Status = BenchmarkRunStatuses.Completed,
            FinishedAt = now,
            Error = timedOut
                ? string.Create(CultureInfo.InvariantCulture, $"some services were cut off by the run's time bound ({bound.TotalSeconds:0} s)")
                : completed < run.Targets.Count ? "some services were not measured" : null,
        };
    }

    private static BenchmarkRun Finish(BenchmarkRun run, string status, string reason, double now) => run with
    {
        Status = status,
        FinishedAt = now,
        Error = reason,
        Targets = [.. run.Targets.Select(target => BenchmarkRunStatuses.IsFinished(target.Status)
            ? target
            : target with { Status = status, FinishedAt = now, Error = target.Error ?? reason })],
    };

    private sealed class ActiveRun(CancellationTokenSource cancellation)
    {
        public CancellationTokenSource Cancellation { get; } = cancellation;

        private volatile bool _cancelledByOperator;

        public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool CancelledByOperator
        {
            get => _cancelledByOperator;
            set => _cancelledByOperator = value;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Benchmark run {RunId} queued: {Workload} against {TargetType} {TargetName} ({ServiceCount} services, {Trigger})")]
    private static partial void LogQueued(ILogger logger, string runId, string workload, string targetType, string targetName, int serviceCount, string trigger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Benchmark run {RunId} started: {Workload} on {ServiceCount} services, bounded to {BoundSeconds} s")]
    private static partial void LogStarted(ILogger logger, string runId, string workload, int serviceCount, double boundSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Benchmark run {RunId}: {ServiceId} measured, pass rate {PassRate}, p50 {P50LatencyMs} ms")]
    private static partial void LogServiceMeasured(ILogger logger, string runId, string serviceId, double passRate, double? p50LatencyMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Benchmark run {RunId} {Status}: {Completed} of {ServiceCount} services measured")]
    private static partial void LogFinished(ILogger logger, string runId, string status, int completed, int serviceCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Benchmark run {RunId} cancelled by the operator")]
    private static partial void LogCancelled(ILogger logger, string runId);
}
