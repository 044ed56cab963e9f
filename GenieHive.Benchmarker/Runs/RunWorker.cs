using GenieHive.Benchmarker.Hosting;
using GenieHive.Contracts.Api;
using GenieHive.Contracts.Cluster;
using Microsoft.Extensions.Options;

namespace GenieHive.Benchmarker.Runs;

/// <summary>
/// Claims Control's queued runs one at a time (a long poll, so a run starts as soon as it is queued) and measures each
/// to its end before claiming the next. A claim is never re-sent on its own: one that was lost on the way leaves its
/// run claimed by nobody who measures it, and Control fails it when its lease runs out.
/// </summary>
internal sealed partial class RunWorker(
    IBenchmarkWorkApi control,
    RunExecution execution,
    IOptions<BenchmarkerOptions> options,
    ILogger<RunWorker> logger) : BackgroundService
{
    /// <summary>How long one claim waits for a run (within the client's 30 s attempt timeout).</summary>
    public const int ClaimWaitSeconds = 20;

    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            BenchmarkRunClaim? claim = null;
            try
            {
                using var response = await control.ClaimAsync(new BenchmarkClaimRequest { Worker = options.Value.Name, WaitSeconds = ClaimWaitSeconds }, stoppingToken);
                if (response.IsSuccessStatusCode)
                {
                    if (failures > 0)
                    {
                        LogReachable(logger);
                    }

                    failures = 0;
                    claim = response.Content;
                }
                else
                {
                    Failed(ref failures, ControlAnswers.Describe(response));
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Failed(ref failures, ex.GetType().Name + ": " + ex.Message);
            }

            try
            {
                if (claim is not null)
                {
                    await execution.RunAsync(claim, stoppingToken);
                }
                else if (failures > 0)
                {
                    await Task.Delay(TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(failures).Ticks, LongestPause.Ticks)), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void Failed(ref int failures, string problem)
    {
        // Said once when Control goes away, not once per attempt.
        if (failures++ == 0)
        {
            LogUnreachable(logger, problem);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot claim benchmark runs from Control ({Problem}); trying again")]
    private static partial void LogUnreachable(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Control answers claims again")]
    private static partial void LogReachable(ILogger logger);
}
