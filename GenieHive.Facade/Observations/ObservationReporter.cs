using System.Globalization;
using GenieHive.Contracts;
using GenieHive.Contracts.Api;
using GenieHive.Contracts.Observations;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Observations;

/// <summary>
/// Sends this facade's per-service measurements and cooldowns to Control every
/// <see cref="ObservationsOptions.IntervalSeconds"/>; Control folds them into scoring and the routing table.
/// </summary>
internal sealed partial class ObservationReporter(
    IClusterApi cluster,
    ServiceLoadTracker tracker,
    IOptions<ObservationsOptions> options,
    TimeProvider time,
    ILogger<ObservationReporter> logger) : BackgroundService
{
    /// <summary>Stable for the life of the process, distinct between processes.</summary>
    internal static string ReporterId { get; } = string.Create(
        CultureInfo.InvariantCulture,
        $"facade-{Environment.MachineName.ToLowerInvariant()}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.IntervalSeconds), time);
        var failing = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var report = BuildReport();
                if (report.Services.Count == 0)
                {
                    continue;
                }

                // A report Control takes is not traced; one it refuses or cannot receive is.
                using var tick = BackgroundTraces.StartTick(FacadeTelemetry.ActivitySource, "facade.observations.report");
                try
                {
                    using var response = await cluster.ReportObservationsAsync(report, stoppingToken);
                    if (!response.IsSuccessStatusCode)
                    {
                        LogRefused(logger, (int?)response.StatusCode ?? 0);
                        BackgroundTraces.Fail(tick, "Control refused the report");
                    }

                    failing = false;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    BackgroundTraces.Fail(tick, "Control unreachable: " + ex.GetType().Name);

                    // Once per outage is enough: the next report carries everything again.
                    if (!failing)
                    {
                        LogUnreachable(logger, ex.GetType().Name);
                    }

                    failing = true;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal ObservationReport BuildReport()
    {
        var now = time.UnixSeconds();
        var window = options.Value.WindowSeconds;
        var services = new List<ServiceObservation>();
        foreach (var stats in tracker.All)
        {
            var figures = stats.Summarize(now, window);
            services.Add(new ServiceObservation
            {
                ServiceId = stats.ServiceId,
                Requests = figures.Requests,
                Errors = figures.Errors,
                P50LatencyMs = figures.P50LatencyMs,
                P95LatencyMs = figures.P95LatencyMs,
                TtftMs = figures.TtftMs,
                TokensPerSec = figures.TokensPerSec,
                InFlight = figures.InFlight,
                CooldownUntil = figures.CooldownUntil,
                CooldownReason = figures.CooldownReason,
                ConsecutiveFailures = figures.ConsecutiveFailures,
            });
        }

        services.Sort(static (a, b) => string.CompareOrdinal(a.ServiceId, b.ServiceId));
        return new ObservationReport { ReporterId = ReporterId, Services = services };
    }

    [LoggerMessage(1, LogLevel.Warning, "Control refused the observation report with {StatusCode}")]
    private static partial void LogRefused(ILogger logger, int statusCode);

    [LoggerMessage(2, LogLevel.Warning, "Observations could not be reported to Control ({Error}); retrying every interval")]
    private static partial void LogUnreachable(ILogger logger, string error);
}
