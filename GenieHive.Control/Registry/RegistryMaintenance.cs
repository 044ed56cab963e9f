using GenieHive.Control.Observations;
using GenieHive.Control.Routing;
using GenieHive.Control.Storage;
using Microsoft.Data.Sqlite;

namespace GenieHive.Control.Registry;

/// <summary>
/// Once a second: flags hosts that went stale, drops aged-out observations and expired cooldowns (each a
/// routing change), and writes what heartbeats changed (last_seen, metrics, live service state) to SQLite in
/// one transaction. A final write at shutdown keeps a clean stop lossless.
/// </summary>
public sealed partial class RegistryMaintenance(
    ClusterRegistry registry,
    ObservationBook observations,
    RoutingChanges changes,
    ControlDatabase database,
    TimeProvider time,
    ILogger<RegistryMaintenance> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
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
        var now = time.UnixSeconds();
        foreach (var host in registry.Sweep(now))
        {
            LogHostStale(logger, host.HostId, now - host.LastSeen);
        }

        if (observations.Sweep(now))
        {
            changes.Mark();
        }

        Flush();
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
                if (dirty.Count > 0)
                {
                    RegistryRepository.Save(connection, transaction, dirty);
                }
            });
        }
        catch (SqliteException ex)
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write {HostCount} hosts' heartbeat state to SQLite; will retry")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, int hostCount);
}
