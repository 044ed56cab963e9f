using System.Data.Common;
using GenieHive.Control.Storage;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Benchmarks;

/// <summary>
/// On a database shared by Control replicas, reads the benchmark samples again every <see cref="Interval"/> when another
/// replica ingested some (<see cref="BenchmarkSampleStore.Refresh"/>), so every replica's routing table scores with the
/// same samples whichever replica the benchmarker reported to.
/// </summary>
public sealed partial class SampleSync(
    BenchmarkSampleStore samples,
    IOptions<StorageOptions> storage,
    ILogger<SampleSync> logger) : ReplicaSyncLoop(storage, Interval)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public override void Pass()
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the benchmark samples other Control replicas ingested; will retry")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
