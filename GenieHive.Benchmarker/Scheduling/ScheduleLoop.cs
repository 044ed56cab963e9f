using GenieHive.Benchmarker.Hosting;
using GenieHive.Contracts;
using GenieHive.Contracts.Api;
using GenieHive.Contracts.Cluster;

namespace GenieHive.Benchmarker.Scheduling;

/// <summary>
/// Keeps the benchmark signal tracking reality: once a minute, reads Control's schedule and queues every entry that is
/// due, that is never run yet or finished at least <c>EveryHours</c> ago (its last scheduled run lives in Control, so
/// the period survives restarts of either). An entry that cannot run now (no service to measure) is tried again at
/// the next look, and said once per distinct reason.
/// </summary>
internal sealed partial class ScheduleLoop(IBenchmarkWorkApi control, TimeProvider time, ILogger<ScheduleLoop> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly Dictionary<int, string> _lastProblem = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                await QueueDueAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task QueueDueAsync(CancellationToken cancellationToken)
    {
        BenchmarkSchedule schedule;
        try
        {
            using var response = await control.GetScheduleAsync(cancellationToken);
            if (!response.IsSuccessStatusCode || response.Content is null)
            {
                Say(-1, "the schedule could not be read: " + ControlAnswers.Describe(response), "", "");
                return;
            }

            schedule = response.Content;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Say(-1, "the schedule could not be read: " + ex.Message, "", "");
            return;
        }

        _lastProblem.Remove(-1);
        var now = time.UnixSeconds();
        foreach (var entry in schedule.Entries)
        {
            if (entry.LastRun is { } last && (!BenchmarkRunStatuses.IsFinished(last.Status) || now - last.CreatedAt < entry.EveryHours * 3600))
            {
                continue;
            }

            var target = entry.Kind ?? entry.Role ?? "";
            try
            {
                using var response = await control.RunScheduleEntryAsync(entry.Index, new BenchmarkScheduleRunRequest(), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    _lastProblem.Remove(entry.Index);
                }
                else
                {
                    Say(entry.Index, ControlAnswers.Describe(response), entry.Workload, target);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Not re-sent: it may have been queued. The next look sees its run, or tries again.
                Say(entry.Index, ex.Message, entry.Workload, target);
            }
        }
    }

    private void Say(int index, string problem, string workload, string target)
    {
        if (!_lastProblem.TryGetValue(index, out var previous) || previous != problem)
        {
            _lastProblem[index] = problem;
            LogNotScheduled(logger, workload, target, problem);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled benchmark {Workload} against {Target} not queued: {Problem}")]
    private static partial void LogNotScheduled(ILogger logger, string workload, string target, string problem);
}
