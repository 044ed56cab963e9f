using GenieHive.Contracts;
using GenieHive.Control.Leadership;
using GenieHive.Control.Storage;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Keys;

/// <summary>
/// Deletes audit records older than <see cref="AuditOptions.RetentionDays"/>, at start and then hourly, on the leader
/// only (<see cref="LeaderElector"/>; the delete is fenced), since the replicas share the audit.
/// </summary>
public sealed partial class AuditRetention(
    ControlDatabase database,
    LeaderElector leadership,
    IOptions<AuditOptions> options,
    TimeProvider time,
    ILogger<AuditRetention> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                await PruneAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private Task PruneAsync(CancellationToken stoppingToken) => leadership.WhileLeadingAsync("audit retention", async term =>
    {
        var cutoff = time.UnixSeconds() - options.Value.RetentionDays * 86_400;
        var deleted = 0;
        await database.WriteFencedAsync(term, (connection, transaction) => deleted = KeyStore.PruneAudit(connection, transaction, cutoff), stoppingToken);
        if (deleted > 0)
        {
            LogPruned(logger, deleted);
        }
    });

    [LoggerMessage(1, LogLevel.Information, "Deleted {Count} audit records past their retention")]
    private static partial void LogPruned(ILogger logger, int count);
}
