using System.Data.Common;
using System.Diagnostics;
using GenieHive.Contracts;
using GenieHive.Contracts.Nodes;
using GenieHive.Control.Diagnostics;
using GenieHive.Control.Registry;
using GenieHive.Control.Storage;

namespace GenieHive.Control.Nodes;

/// <summary>
/// Register and heartbeat: normalise what the node sent, apply it to the registry, and persist it
/// (a registration before answering; heartbeats in the next batched write).
/// </summary>
public sealed partial class NodeRegistrar(
    ClusterRegistry registry,
    ControlDatabase database,
    ControlTelemetry telemetry,
    TimeProvider time,
    ILogger<NodeRegistrar> logger)
{
    public async Task<RegistryOutcome> RegisterAsync(HostRegistration registration, CancellationToken cancellationToken)
    {
        using var activity = ControlTelemetry.ActivitySource.StartActivity("control.nodes.register");
        activity?.SetTag("geniehive.host_id", registration.HostId);
        var now = Now();
        var normalized = registration with
        {
            Labels = registration.Labels ?? [],
            Services = registration.Services ?? [],
        };
        // Shared with listings and routing tables from now on: parse every level once, here.
        StoredJson.Freeze(normalized.Capabilities);
        StoredJson.Freeze(normalized.Resources);
        var services = Prepare(normalized.HostId, normalized.Services, now);

        var outcome = await RegisterInStoreAsync(normalized, services, now, cancellationToken);
        if (outcome.Status != RegistryStatus.Ok)
        {
            telemetry.Registrations.Add(1, new KeyValuePair<string, object?>("outcome", "conflict"));
            LogConflict(logger, normalized.HostId, outcome.ConflictServiceId!, outcome.ConflictOwner!);
            return outcome;
        }

        telemetry.Registrations.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
        foreach (var previousOwner in outcome.TookOverFrom)
        {
            LogTakeOver(logger, normalized.HostId, previousOwner);
        }

        LogRegistered(logger, normalized.HostId, services.Count);
        return outcome;
    }

    /// <summary>
    /// Decides and writes a registration in one transaction that comes after every other registry write, this
    /// replica's or another's (<see cref="RegistryStore.NextSequence"/>): a service a live host holds in the database
    /// is refused even before this replica has heard of that host, so two replicas never both accept one service.
    /// </summary>
    private Task<RegistryOutcome> RegisterInStoreAsync(
        HostRegistration registration, IReadOnlyList<ServiceRecord> services, double now, CancellationToken cancellationToken) =>
        DecideInStoreAsync(registration.HostId, services, now, () => registry.Register(registration, services, now), cancellationToken);

    /// <summary>
    /// Applies <paramref name="apply"/> (a registration, or a heartbeat that changes a host's services) inside one
    /// registry write after checking the database for a live owner of any of <paramref name="services"/>, and writes
    /// the hosts it changed in that transaction. What memory already accepted when the write fails is retried by the
    /// next batched write, and the caller still gets the error (its node agent tries again).
    /// </summary>
    private async Task<RegistryOutcome> DecideInStoreAsync(
        string hostId, IReadOnlyList<ServiceRecord> services, double now, Func<RegistryOutcome> apply, CancellationToken cancellationToken)
    {
        RegistryOutcome? outcome = null;
        try
        {
            await database.WriteAsync((connection, transaction) =>
            {
                var sequence = RegistryStore.NextSequence(connection, transaction);
                var serviceIds = services.Select(service => service.ServiceId).ToList();
                if (RegistryStore.FindLiveOwner(connection, transaction, hostId, serviceIds, registry.FreshSince(now)) is var (serviceId, owner))
                {
                    outcome = RegistryOutcome.Conflict(serviceId, owner);
                    return new StoredRows([], sequence);
                }

                outcome = apply();
                // Each host is written as it is now in memory, so a heartbeat that landed meanwhile is not undone.
                var rows = outcome.HostsToPersist.Select(registry.ForPersistence).OfType<HostPersistence>().ToList();
                RegistryStore.Save(connection, transaction, rows, sequence);
                return new StoredRows(rows, sequence);
            }, stored => registry.MarkStored(stored.Rows, stored.Sequence), cancellationToken);
        }
        catch (DbException) when (outcome is { Status: RegistryStatus.Ok } accepted)
        {
            // Memory already has it; the next batched write retries it so that the database catches up.
            registry.MarkDirty(accepted.HostsToPersist.Select(registry.ForPersistence).OfType<HostPersistence>());
            throw;
        }

        return outcome!;
    }

    /// <summary>
    /// A heartbeat: applied in memory and written in the next batch, except one that changes the host's services,
    /// which is decided in the database like a registration (a replica's memory may not yet know that another
    /// replica just gave one of those services to a live host).
    /// </summary>
    public async ValueTask<RegistryOutcome> HeartbeatAsync(NodeHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var now = Now();
        StoredJson.Freeze(heartbeat.Metrics);
        var services = heartbeat.Services is { Count: > 0 } reported ? Prepare(heartbeat.HostId, reported, now) : null;
        var outcome = services is not null && registry.WouldChangeServices(heartbeat.HostId, services)
            ? await DecideInStoreAsync(heartbeat.HostId, services, now, () => registry.Heartbeat(heartbeat, services, now), cancellationToken)
            : registry.Heartbeat(heartbeat, services, now);

        var result = outcome.Status switch
        {
            RegistryStatus.Ok => "ok",
            RegistryStatus.UnknownHost => "unknown_host",
            _ => "conflict",
        };
        telemetry.Heartbeats.Add(1, new KeyValuePair<string, object?>("outcome", result));
        telemetry.HeartbeatDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

        switch (outcome.Status)
        {
            case RegistryStatus.UnknownHost:
                LogUnknownHost(logger, heartbeat.HostId);
                break;
            case RegistryStatus.ServiceOwnedByAnotherHost:
                LogConflict(logger, heartbeat.HostId, outcome.ConflictServiceId!, outcome.ConflictOwner!);
                break;
            default:
                if (outcome.CameBack)
                {
                    LogHostBack(logger, heartbeat.HostId);
                }

                foreach (var previousOwner in outcome.TookOverFrom)
                {
                    LogTakeOver(logger, heartbeat.HostId, previousOwner);
                }

                break;
        }

        return outcome;
    }

    private static List<ServiceRecord> Prepare(string hostId, List<RegisteredService> services, double now) =>
        [.. services.Select(service => ServiceRecords.Create(service, now, hostId))];

    private double Now() => time.UnixSeconds();

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered {HostId} with {ServiceCount} services")]
    private static partial void LogRegistered(ILogger logger, string hostId, int serviceCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Heartbeat from unknown host {HostId}; answering 404 so that it registers again")]
    private static partial void LogUnknownHost(ILogger logger, string hostId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Host {HostId} is back after being stale")]
    private static partial void LogHostBack(ILogger logger, string hostId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Host {HostId} reported service {ServiceId}, which host {OwnerHostId} owns; refused")]
    private static partial void LogConflict(ILogger logger, string hostId, string serviceId, string ownerHostId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Host {HostId} took over services of stale host {PreviousHostId}")]
    private static partial void LogTakeOver(ILogger logger, string hostId, string previousHostId);
}
