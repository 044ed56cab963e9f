using System.Data.Common;
using GenieHive.Control.Storage;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Benchmarks;

/// <summary>
/// On a database shared by Control replicas, reads the benchmark samples again every <see cref="Interval"/> when another
/// replica ingested some (<see cref="BenchmarkSampleStore.Refresh"/>), so every replica's routing table scores with the
/// same samples whichever replica the benchmarker reported to. On SQLite (one Control) it does nothing.
/// </summary>
public sealed partial class SampleSync(
    BenchmarkSampleStore samples,
    IOptions<StorageOptions> storage,
    ILogger<SampleSync> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!storage.Value.SharedByReplicas)
        {
            return;
        }

        // Real time, whatever clock the business runs on: this is about how soon another replica's samples count here.
        using var timer = new PeriodicTimer(Interval, TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    samples.Refresh();
                }
                catch (DbException ex)
                {
                    LogRefreshFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (ObjectDisposedException) when (stoppingToken.IsCancellationRequested)
        {
            // The database closed under a stopping Control.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the benchmark samples other Control replicas ingested; will retry")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
