using GenieHive.Contracts.Api;
using GenieHive.Contracts.Keys;
using GenieHive.Facade.Auth;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Keys;

/// <summary>
/// Sends the audit records the request path queued (<see cref="AuditQueue"/>) to Control in batches, every
/// <see cref="AuditOptions.ReportIntervalSeconds"/>. A batch Control did not take is sent again next time (records
/// past <see cref="AuditOptions.MaxPendingRecords"/> are dropped, oldest first, and counted). Once Control has a batch,
/// its tokens leave the key's unreported count (<see cref="KeyLimiter.OnReported"/>): Control's key table has them.
/// </summary>
internal sealed partial class AuditReporter(
    AuditQueue queue,
    IKeyAdminApi admin,
    KeyLimiter limiter,
    ClientKeys keys,
    IOptions<AuditOptions> options,
    FacadeTelemetry telemetry,
    TimeProvider time,
    ILogger<AuditReporter> logger) : BackgroundService
{
    private const int MaxBatch = 5_000;

    private readonly List<AuditRecord> _pending = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ReportIntervalSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await ReportAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReportAsync(CancellationToken cancellationToken)
    {
        while (queue.Reader.TryRead(out var record))
        {
            _pending.Add(record);
        }

        var excess = _pending.Count - options.Value.MaxPendingRecords;
        if (excess > 0)
        {
            _pending.RemoveRange(0, excess);
            telemetry.AuditDropped.Add(excess);
        }

        // With client auth off there is no key to present and nothing to limit: the records only go to Control's audit.
        while (_pending.Count > 0)
        {
            var batch = _pending.GetRange(0, Math.Min(MaxBatch, _pending.Count));
            try
            {
                using var response = await admin.ReportAuditAsync(new AuditBatch(batch), cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    LogRefused(logger, (int?)response.StatusCode ?? 0, batch.Count, keys.Enabled);
                    return;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogUnreachable(logger, ex.GetType().Name, _pending.Count);
                return;
            }

            _pending.RemoveRange(0, batch.Count);
            foreach (var record in batch)
            {
                limiter.OnReported(record.KeyId, record.PromptTokens + record.CompletionTokens);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Control answered {StatusCode} to {Count} audit records (client auth on: {AuthOn}); retrying next interval")]
    private static partial void LogRefused(ILogger logger, int statusCode, int count, bool authOn);

    [LoggerMessage(2, LogLevel.Warning, "Control unreachable for the audit ({Error}); {Count} records wait")]
    private static partial void LogUnreachable(ILogger logger, string error, int count);
}
