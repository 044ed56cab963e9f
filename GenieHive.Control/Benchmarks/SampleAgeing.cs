using GenieHive.Contracts;
using GenieHive.Control.Routing;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Benchmarks;

/// <summary>
/// Once a minute, publishes a new routing table when a sample in the current one has aged past
/// <c>MaxSampleAgeHours</c>, so that it leaves the scores (the table is built without it).
/// </summary>
public sealed class SampleAgeing(
    RoutingTablePublisher publisher,
    RoutingChanges changes,
    IOptions<BenchmarksOptions> options,
    TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                AgeSamples();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Marks a routing change when the current table still scores with a sample that has aged out.</summary>
    public void AgeSamples()
    {
        var cutoff = options.Value.SampleCutoff(time.UnixSeconds());
        if (publisher.Current.Table.Benchmarks.Any(sample => sample.ObservedAt < cutoff))
        {
            changes.Mark();
        }
    }
}
