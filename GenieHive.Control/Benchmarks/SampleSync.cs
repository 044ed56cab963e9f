using GenieHive.Control.Storage;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Benchmarks;

/// <summary>
/// On a database shared by Control replicas, reads the benchmark samples again every <see cref="Interval"/> when another
/// replica ingested some (<see cref="BenchmarkSampleStore.Refresh"/>), so every replica's routing table scores with the
/// same samples whichever replica the benchmarker reported to.
/// </summary>
public sealed class SampleSync(BenchmarkSampleStore samples, IOptions<StorageOptions> storage, ILogger<SampleSync> logger)
    : ReplicaRefreshLoop(storage, Interval, logger, "benchmark samples")
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override void Refresh() => samples.Refresh();
}
