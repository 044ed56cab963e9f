using System.Diagnostics;
using GenieHive.Contracts.Routing;
using GenieHive.Routing;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Routing;

/// <summary>
/// Follows Control's routing table with a long poll (<c>after</c> = the version held, so a change arrives as soon
/// as Control publishes it) and builds each new snapshot here, off the request path: a whole table from scratch, a
/// delta on top of the snapshot it continues (<see cref="RoutingSnapshot.Apply"/>). When Control is unreachable
/// the last table stays in force and the watcher retries with a growing backoff: Control restarting never stops
/// traffic. After any trouble (a failure, a refusal, a delta that does not continue what it holds) it asks for the
/// whole table: a restarted Control, or another replica, counts versions in another history.
/// </summary>
internal sealed partial class RoutingTableWatcher(
    RoutingWatchClient watch,
    RoutingState state,
    FacadeTelemetry telemetry,
    IOptions<RequestRoutingOptions> options,
    TimeProvider time,
    ILogger<RoutingTableWatcher> logger) : BackgroundService
{
    private const string RoutingVersionTag = "geniehive.routing.version";
    private const string RoutingFormatTag = "geniehive.routing.format";

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var waitSeconds = options.Value.WatchWaitSeconds;
        return ControlWatchLoop.RunAsync(
            "facade.routing.watch",
            (resync, tick, cancellationToken) => PollOnceAsync(resync ? null : state.Current?.Table, waitSeconds, tick, cancellationToken),
            ex => LogUnreachable(logger, ex.GetType().Name, state.Current?.Version),
            time,
            stoppingToken);
    }

    private async Task<bool> PollOnceAsync(RoutingTable? held, int waitSeconds, Activity? tick, CancellationToken cancellationToken)
    {
        var answer = await watch.PollAsync(held, waitSeconds, cancellationToken);
        if (answer.RefusedStatus is { } status)
        {
            LogRefused(logger, status);
            BackgroundTraces.Fail(tick, "Control refused the routing table");
            return false;
        }

        if (answer.Table is { } table)
        {
            var current = state.Current;
            if (current is not null && current.Version == table.Version && current.Table.GeneratedAt.Equals(table.GeneratedAt)
                && current.Table.TableId == table.TableId)
            {
                return true;
            }

            return Publish(() => RoutingSnapshot.Build(table), table.Version, RoutingWatchWire.FullFormat, tick);
        }

        if (answer.Delta is { } delta)
        {
            var current = state.Current;
            if (current is null || !current.Continues(delta))
            {
                // Not what we hold (a lost answer, another history): only the whole table will do.
                LogDiscontinuous(logger, delta.FromVersion, delta.Version, current?.Version);
                BackgroundTraces.Fail(tick, "routing delta does not continue the held version");
                return false;
            }

            return Publish(() => current.Apply(delta), delta.Version, RoutingWatchWire.DeltaFormat, tick);
        }

        return true;
    }

    private bool Publish(Func<RoutingSnapshot> build, long version, string format, Activity? tick)
    {
        var started = Stopwatch.GetTimestamp();
        RoutingSnapshot snapshot;
        try
        {
            snapshot = build();
        }
        catch (Exception ex)
        {
            // A table we cannot build must not replace one we can.
            LogBuildFailed(logger, ex, version);
            BackgroundTraces.Fail(tick, "routing table could not be built");
            return false;
        }

        state.Publish(snapshot);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        telemetry.RecordRoutingWatchApply(format, elapsed);
        tick?.SetTag(RoutingVersionTag, version);
        tick?.SetTag(RoutingFormatTag, format);
        BackgroundTraces.Keep(tick);
        LogApplied(logger, version, format, snapshot.Table.Services.Count, snapshot.Table.Roles.Count, elapsed);
        return true;
    }

    [LoggerMessage(1, LogLevel.Information, "Routing table version {Version} applied from a {Format} answer ({ServiceCount} services, {RoleCount} roles) in {ElapsedMs} ms")]
    private static partial void LogApplied(ILogger logger, long version, string format, int serviceCount, int roleCount, double elapsedMs);

    [LoggerMessage(2, LogLevel.Warning, "Control unreachable for the routing table ({Error}); routing continues from version {Version}")]
    private static partial void LogUnreachable(ILogger logger, string error, long? version);

    [LoggerMessage(3, LogLevel.Warning, "Control answered {StatusCode} for the routing table; retrying")]
    private static partial void LogRefused(ILogger logger, int statusCode);

    [LoggerMessage(5, LogLevel.Warning, "Routing delta {FromVersion} to {Version} does not continue the held version {Held}; asking for the whole table")]
    private static partial void LogDiscontinuous(ILogger logger, long fromVersion, long version, long? held);

    [LoggerMessage(4, LogLevel.Error, "Routing table version {Version} could not be built; keeping the previous one")]
    private static partial void LogBuildFailed(ILogger logger, Exception exception, long version);
}
