using System.Diagnostics;
using System.Globalization;
using System.Net;
using GenieHive.Benchmarker.Facade;
using GenieHive.Benchmarker.Hosting;
using GenieHive.Contracts;
using GenieHive.Contracts.Api;
using GenieHive.Contracts.Cluster;
using Microsoft.Extensions.Options;

namespace GenieHive.Benchmarker.Runs;

/// <summary>
/// Measures one claimed run through the facade and reports every step to Control. The run's services are measured
/// side by side (at most <c>MaxParallelServices</c>), each one case at a time, so a service never has more than one
/// benchmark case in flight and client traffic keeps the rest of its slots. The run is bounded: every case by its
/// timeout, the whole run by cases × timeout per wave of services. While it runs, the lease is renewed every few
/// seconds; when Control answers that the run has finished (an operator cancelled it), measuring stops at once.
/// </summary>
internal sealed partial class RunExecution(
    IBenchmarkWorkApi control,
    ControlReports reports,
    FacadeCaseClient facade,
    IOptions<BenchmarkerOptions> options,
    ILogger<RunExecution> logger)
{
    /// <summary>Longest wait for the facade to route a service before its cases start.</summary>
    public static readonly TimeSpan RouteWait = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan LongestRenewalInterval = TimeSpan.FromSeconds(2);

    public async Task RunAsync(BenchmarkRunClaim claim, CancellationToken stoppingToken)
    {
        var run = claim.Run;
        var lease = TimeSpan.FromSeconds(claim.LeaseSeconds);
        var parallel = options.Value.MaxParallelServices;
        var waves = (int)Math.Ceiling(run.Targets.Count / (double)parallel);
        var bound = TimeSpan.FromSeconds(waves * ((claim.Cases.Count * run.TimeoutSeconds) + RouteWait.TotalSeconds));

        // Over for this benchmarker: it is stopping, or Control no longer runs it (cancelled, lease lost).
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var timeBound = new CancellationTokenSource(bound);
        using var measuring = CancellationTokenSource.CreateLinkedTokenSource(gone.Token, timeBound.Token);
        var step = new RunStep(run, lease, reports, gone);
        LogStarted(logger, run.Id, run.Workload, run.Targets.Count, bound.TotalSeconds);

        var renewals = KeepLeaseAsync(run.Id, lease, gone, measuring.Token);
        using (var gate = new SemaphoreSlim(parallel))
        {
            await Task.WhenAll(run.Targets.Select(target => MeasureServiceAsync(claim, target, gate, step, timeBound, measuring.Token)));
        }

        await measuring.CancelAsync();
        await renewals;
        if (gone.IsCancellationRequested)
        {
            LogAbandoned(logger, run.Id);
            return;
        }

        var finish = new BenchmarkRunFinish { TimeBoundSeconds = timeBound.IsCancellationRequested ? Math.Round(bound.TotalSeconds) : null };
        await step.ReportAsync("run finished", (api, ct) => api.FinishRunAsync(run.Id, finish, ct));
        LogFinished(logger, run.Id);
    }

    private async Task MeasureServiceAsync(
        BenchmarkRunClaim claim, BenchmarkRunTarget target, SemaphoreSlim gate, RunStep step, CancellationTokenSource timeBound, CancellationToken cancellationToken)
    {
        var run = claim.Run;
        var serviceId = target.ServiceId;
        var entered = false;
        try
        {
            await gate.WaitAsync(cancellationToken);
            entered = true;
            if (!await step.ReportAsync("service started", (api, ct) => api.StartTargetAsync(run.Id, serviceId, ct)))
            {
                return;
            }

            var routeWait = TimeSpan.FromSeconds(Math.Min(RouteWait.TotalSeconds, run.TimeoutSeconds));
            if (await facade.WaitUntilRoutedAsync(serviceId, routeWait, cancellationToken) is { } notRouted)
            {
                await step.ReportAsync("service finished", (api, ct) => api.FinishTargetAsync(run.Id, serviceId, new BenchmarkTargetFinish { Error = notRouted }, ct));
                return;
            }

            foreach (var workloadCase in claim.Cases)
            {
                var measurement = await MeasureCaseAsync(serviceId, run, workloadCase, cancellationToken);
                if (!await step.ReportAsync("case " + workloadCase.Index.ToString(CultureInfo.InvariantCulture),
                    (api, ct) => api.ReportCaseAsync(run.Id, serviceId, workloadCase.Index, measurement, ct)))
                {
                    return;
                }
            }

            await step.ReportAsync("service finished", (api, ct) => api.FinishTargetAsync(run.Id, serviceId, new BenchmarkTargetFinish(), ct));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cut off by the time bound: Control records that. Otherwise the run is over here, and Control knows why.
            if (timeBound.IsCancellationRequested && !step.Gone.IsCancellationRequested)
            {
                await step.ReportAsync("service cut off", (api, ct) => api.FinishTargetAsync(run.Id, serviceId, new BenchmarkTargetFinish { CutOff = true }, ct));
            }
        }
        finally
        {
            if (entered)
            {
                gate.Release();
            }
        }
    }

    private async Task<BenchmarkCaseMeasurement> MeasureCaseAsync(string serviceId, BenchmarkRun run, BenchmarkCaseRequest workloadCase, CancellationToken cancellationToken)
    {
        using var caseTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        caseTimeout.CancelAfter(TimeSpan.FromSeconds(run.TimeoutSeconds));
        try
        {
            return run.Kind == ServiceKinds.Embeddings
                ? await facade.EmbedAsync(serviceId, workloadCase.Body, caseTimeout.Token)
                : await facade.ChatAsync(serviceId, workloadCase.Body, caseTimeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return BenchmarkCaseMeasurement.Failed(
                string.Create(CultureInfo.InvariantCulture, $"timed out after {run.TimeoutSeconds:0.#} s"), run.TimeoutSeconds * 1000);
        }
    }

    /// <summary>
    /// Renews the lease every third of it (at most every 2 s, so a cancel is seen within that) until the run ends.
    /// Control answering that the run finished, or silence for the whole lease, ends the run here.
    /// </summary>
    private async Task KeepLeaseAsync(string runId, TimeSpan lease, CancellationTokenSource gone, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromTicks(Math.Min(lease.Ticks / 3, LongestRenewalInterval.Ticks));
        var renewed = Stopwatch.GetTimestamp();
        try
        {
            while (true)
            {
                await Task.Delay(interval, cancellationToken);
                try
                {
                    using var response = await control.RenewLeaseAsync(runId, cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        renewed = Stopwatch.GetTimestamp();
                    }
                    else if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
                    {
                        LogControlStopped(logger, runId, ControlAnswers.Describe(response));
                        await gone.CancelAsync();
                        return;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // Control restarting or a network hiccup: the next renewal may get through, within the lease.
                }

                if (Stopwatch.GetElapsedTime(renewed) > lease)
                {
                    await gone.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run ended.
        }
    }

    /// <summary>One run's reports: each must be applied, or the run is over for this benchmarker.</summary>
    private sealed class RunStep(BenchmarkRun run, TimeSpan lease, ControlReports reports, CancellationTokenSource gone)
    {
        public CancellationTokenSource Gone { get; } = gone;

        public async Task<bool> ReportAsync<T>(string what, Func<IBenchmarkWorkApi, CancellationToken, Task<Refit.IApiResponse<T>>> report)
        {
            if (await reports.SendAsync(run.Id, what, report, lease, Gone.Token) == ReportOutcome.Applied)
            {
                return true;
            }

            await Gone.CancelAsync();
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Benchmark run {RunId} started: {Workload} on {ServiceCount} services, bounded to {BoundSeconds} s")]
    private static partial void LogStarted(ILogger logger, string runId, string workload, int serviceCount, double boundSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Benchmark run {RunId} measured and reported")]
    private static partial void LogFinished(ILogger logger, string runId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Benchmark run {RunId} stopped before its end (Control no longer runs it, or the benchmarker is stopping)")]
    private static partial void LogAbandoned(ILogger logger, string runId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Benchmark run {RunId}: Control no longer runs it ({Problem}); stopping its cases")]
    private static partial void LogControlStopped(ILogger logger, string runId, string problem);
}
