using System.Diagnostics;
using System.Net;
using GenieHive.Benchmarker.Hosting;
using GenieHive.Contracts.Api;
using Refit;

namespace GenieHive.Benchmarker.Runs;

/// <summary>How a report to Control ended.</summary>
internal enum ReportOutcome
{
    Applied,

    /// <summary>Control no longer runs it (cancelled by an operator, its lease ran out, unknown): stop measuring.</summary>
    RunGone,

    /// <summary>Control refused the report itself (400): a bug on one side; the run is left to its lease.</summary>
    Refused,

    /// <summary>Control could not be reached for as long as the lease could hold: the run is Control's to fail.</summary>
    Unreachable,
}

/// <summary>
/// Sends the benchmarker's reports (a service started, a case measured, a service or the run finished). One that did
/// not get through (Control restarting, a network hiccup) is sent again for as long as the run's lease could still
/// hold: safe, because Control applies each report once (cases are keyed by index, finishes by the state they leave).
/// This is the only re-sending; a case is never sent to the facade twice.
/// </summary>
internal sealed partial class ControlReports(IBenchmarkWorkApi control, ILogger<ControlReports> logger)
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(5);

    public async Task<ReportOutcome> SendAsync<T>(
        string runId, string what, Func<IBenchmarkWorkApi, CancellationToken, Task<IApiResponse<T>>> report, TimeSpan lease, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var pause = FirstPause;
        while (true)
        {
            string problem;
            try
            {
                using var response = await report(control, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return ReportOutcome.Applied;
                }

                problem = ControlAnswers.Describe(response);
                if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
                {
                    LogRunGone(logger, runId, what, problem);
                    return ReportOutcome.RunGone;
                }

                // No status (no answer), a timeout, throttling or a 5xx may pass: sent again. Anything else will not.
                if (response.StatusCode is { } code && (int)code is > 0 and < 500 && code is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests))
                {
                    LogRefused(logger, runId, what, problem);
                    return ReportOutcome.Refused;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                problem = ex.GetType().Name + ": " + ex.Message;
            }

            if (Stopwatch.GetElapsedTime(started) + pause > lease)
            {
                LogUnreachable(logger, runId, what, lease.TotalSeconds, problem);
                return ReportOutcome.Unreachable;
            }

            await Task.Delay(pause, cancellationToken);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Benchmark run {RunId}: Control no longer runs it ({What}: {Problem}); stopping")]
    private static partial void LogRunGone(ILogger logger, string runId, string what, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Benchmark run {RunId}: Control refused the report ({What}: {Problem}); stopping")]
    private static partial void LogRefused(ILogger logger, string runId, string what, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Benchmark run {RunId}: Control could not be reached for {LeaseSeconds} s ({What}: {Problem}); stopping")]
    private static partial void LogUnreachable(ILogger logger, string runId, string what, double leaseSeconds, string problem);
}
