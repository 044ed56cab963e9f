using System.Data.Common;
using GenieHive.Contracts;
using GenieHive.Control.Observations;
using GenieHive.Control.Routing;
using GenieHive.Control.Storage;

namespace GenieHive.Control.Registry;

/// <summary>
/// Every <see cref="StaleCheckInterval"/>: flags hosts that went stale (a routing change), so that a silent host
/// stops getting traffic within a tenth of a second of its timeout rather than up to a whole pass later. Once a
/// second: drops aged-out observations and expired cooldowns, and writes what heartbeats changed (last_seen,
/// metrics, live service state) to the database in one transaction. A final write at shutdown keeps a clean stop lossless.
/// </summary>
public sealed partial class RegistryMaintenance(
    ClusterRegistry registry,
    ObservationMerger observations,
    RoutingChanges changes,
    ControlDatabase database,
    TimeProvider time,
    ILogger<RegistryMaintenance> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>How often staleness is checked (a pass over the hosts in memory, no I/O).</summary>
    public static readonly TimeSpan StaleCheckInterval = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(StaleCheckInterval, time);
        var lastPass = time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                // By the clock, not by counting ticks: a timer that fell behind (or a test's clock jumping ahead)
                // still gets its full pass.
                if (time.GetElapsedTime(lastPass) < Interval - StaleCheckInterval / 2)
                {
                    SweepStaleHosts();
                    continue;
                }

                lastPass = time.GetTimestamp();
                Tick();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        Flush();
    }

    /// <summary>One pass: staleness, observations, then the write of what heartbeats changed.</summary>
    public void Tick()
    {
        var now = SweepStaleHosts();
        if (observations.Sweep(now))
        {
            changes.Mark();
        }

        Flush();
    }

    private double SweepStaleHosts()
    {
        var now = time.UnixSeconds();
        foreach (var host in registry.Sweep(now))
        {
            LogHostStale(logger, host.HostId, now - host.LastSeen);
        }

        return now;
    }

    private void Flush()
    {
        IReadOnlyList<HostPersistence> dirty = [];
        try
        {
            database.Write((connection, transaction) =>
            {
                // Taken with the writer lock held: no older snapshot can land after a newer one.
                dirty = registry.TakeDirty();
                if (dirty.Count == 0)
                {
                    return new StoredRows([], 0);
                }

                var sequence = RegistryStore.NextSequence(connection, transaction);
                RegistryStore.Save(connection, transaction, dirty, sequence);
                return new StoredRows(dirty, sequence);
            }, stored => registry.MarkStored(stored.Rows, stored.Sequence));
        }
        catch (DbException ex)
        {
            registry.MarkDirty(dirty);
            LogFlushFailed(logger, ex, dirty.Count);
        }
        catch (ObjectDisposedException)
        {
            // The host is already being torn down on another path (its own stop got there first): nothing to write to.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Host {HostId} is stale: nothing heard for {SilentSeconds:F1} s; its services get no traffic")]
    private static partial void LogHostStale(ILogger logger, string hostId, double silentSeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write {HostCount} hosts' heartbeat state to the database; will retry")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, int hostCount);
}
