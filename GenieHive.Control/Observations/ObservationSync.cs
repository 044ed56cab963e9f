using System.Data.Common;
using GenieHive.Contracts;
using GenieHive.Contracts.Observations;
using GenieHive.Control.Registry;
using GenieHive.Control.Routing;
using GenieHive.Control.Storage;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Observations;

/// <summary>
/// Shares the facades' reports between Control replicas on PostgreSQL, where each facade reports to whichever replica
/// it reaches: every <see cref="Interval"/> this replica writes the reports it received since the last pass (off the
/// request path, one transaction), and folds into its <see cref="ObservationMerger"/> the reports the others wrote, so
/// that every replica merges every facade and its routing table shows the sum. Reports keep the time they were received,
/// so they age out of every merger exactly as they would have on the replica that took them.
/// </summary>
public sealed partial class ObservationSync(
    ObservationMerger observations,
    ClusterRegistry registry,
    RoutingChanges changes,
    ControlDatabase database,
    IOptions<StorageOptions> storage,
    TimeProvider time,
    ILogger<ObservationSync> logger) : ReplicaSyncLoop(storage, Interval)
{
    /// <summary>How often reports are written and read: well inside a facade's report interval of a second or two.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>How often reports older than every merger keeps are deleted.</summary>
    public static readonly TimeSpan PruneInterval = TimeSpan.FromSeconds(30);

    private readonly string _replicaId = Guid.NewGuid().ToString("N");
    private readonly Lock _gate = new();
    private Dictionary<(string Reporter, string Service), ReceivedObservation> _pending = [];
    private long _readRevision;
    private long _lastPrune = TimeProvider.System.GetTimestamp();

    /// <summary>Queues a report this replica received (only its known services) for the next write; nothing on SQLite.</summary>
    public void Stage(ObservationReport report, Func<string, bool> isKnownService, double receivedAt)
    {
        if (!Shared)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var observation in report.Services)
            {
                if (isKnownService(observation.ServiceId))
                {
                    _pending[(report.ReporterId, observation.ServiceId)] = new ReceivedObservation(report.ReporterId, observation, receivedAt);
                }
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (Shared)
        {
            Write();
        }
    }

    /// <summary>One pass: write what this replica received, read what the others did, now and then delete what aged out.</summary>
    public override void Pass()
    {
        Write();
        Read();
        if (TimeProvider.System.GetElapsedTime(_lastPrune) >= PruneInterval)
        {
            _lastPrune = TimeProvider.System.GetTimestamp();
            Prune();
        }
    }

    private void Write()
    {
        Dictionary<(string Reporter, string Service), ReceivedObservation> batch;
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            batch = _pending;
            _pending = [];
        }

        try
        {
            database.Write((connection, transaction) => ObservationReportStore.Save(connection, transaction, batch.Values, _replicaId));
        }
        catch (DbException ex)
        {
            // Put back what no later report replaced meanwhile; the next pass tries again.
            lock (_gate)
            {
                foreach (var (key, report) in batch)
                {
                    _pending.TryAdd(key, report);
                }
            }

            LogWriteFailed(logger, ex, batch.Count);
        }
        catch (ObjectDisposedException)
        {
            // The database closed under a stopping Control.
        }
    }

    private void Read()
    {
        try
        {
            var (reports, revision) = database.Read(connection => ObservationReportStore.ReadSince(connection, _readRevision, _replicaId));
            _readRevision = revision;
            if (reports.Count > 0 && observations.Fold(reports, registry.ContainsService, time.UnixSeconds()))
            {
                changes.Mark();
            }
        }
        catch (DbException ex)
        {
            LogReadFailed(logger, ex);
        }
        catch (ObjectDisposedException)
        {
            // The database closed under a stopping Control.
        }
    }

    private void Prune()
    {
        try
        {
            var cutoff = time.UnixSeconds() - ObservationMerger.MeasurementMaxAgeSeconds;
            database.Write((connection, transaction) => ObservationReportStore.DeleteReceivedBefore(connection, transaction, cutoff));
        }
        catch (DbException ex)
        {
            LogReadFailed(logger, ex);
        }
        catch (ObjectDisposedException)
        {
            // The database closed under a stopping Control.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not share {ReportCount} observation reports with the other Control replicas; will retry")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int reportCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read or prune the observation reports of the other Control replicas; will retry")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);
}
