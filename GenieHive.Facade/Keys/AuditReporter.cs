using System.Net;
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
/// <remarks>
/// A batch must fit under Control's request body limit (<c>GenieHive:ControlApi:MaxRequestBodyBytes</c>, 1 MiB by
/// default): one Control refuses whole (413) would be sent again every interval and never land, while the records behind it
/// pile up to the pending cap and are dropped (bench/run.sh at 12,000 requests a second did exactly that with 5,000-record
/// batches: the audit lost its records and the facade held 30 MB of them). Batches start small enough for the default
/// limit and halve on a 413, so a Control configured tighter still gets everything.
/// </remarks>
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
    /// <summary>About 350 KB of JSON (a record is 300-400 bytes): a third of Control's default body limit.</summary>
    internal const int FirstBatchRecords = 1_000;

    private readonly List<AuditRecord> _pending = [];
    private int _batchRecords = FirstBatchRecords;

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
            var batch = _pending.GetRange(0, Math.Min(_batchRecords, _pending.Count));
            try
            {
                using var response = await admin.ReportAuditAsync(new AuditBatch(batch), cancellationToken);
                if (response.StatusCode == HttpStatusCode.RequestEntityTooLarge && batch.Count > 1)
                {
                    // Too large for this Control: the same records again at once, in halves, and smaller from now on.
                    _batchRecords = Math.Max(1, batch.Count / 2);
                    LogBatchTooLarge(logger, batch.Count, _batchRecords);
                    continue;
                }

                if (response.HasRequestError(out var failed))
                {
                    // No answer at all (connection refused or reset, timed out): Refit's response says so, with status 0.
                    LogUnreachable(logger, failed.InnerException?.GetType().Name ?? failed.GetType().Name, _pending.Count);
                    return;
                }

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

    [LoggerMessage(3, LogLevel.Warning, "Control refused {Count} audit records as too large (413); sending batches of {Records} from now on")]
    private static partial void LogBatchTooLarge(ILogger logger, int count, int records);
}
