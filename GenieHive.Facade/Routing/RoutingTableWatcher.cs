using System.Diagnostics;
using System.Net;
using GenieHive.Contracts.Api;
using GenieHive.Routing;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Routing;

/// <summary>
/// Follows Control's routing table with a long poll (<c>after</c> = the version held, so a change arrives as soon
/// as Control publishes it) and builds each new snapshot here, off the request path. When Control is unreachable
/// the last table stays in force and the watcher retries with a growing backoff: Control restarting never stops
/// traffic.
/// </summary>
internal sealed partial class RoutingTableWatcher(
    IClusterApi cluster,
    RoutingState state,
    IOptions<RequestRoutingOptions> options,
    TimeProvider time,
    ILogger<RoutingTableWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private const string RoutingVersionTag = "geniehive.routing.version";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var waitSeconds = options.Value.WatchWaitSeconds;
        long? after = null;
        var backoff = MinBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            bool ok;
            // A poll that brings nothing new is not traced; one that applies a table or fails is.
            using (var tick = BackgroundTraces.StartTick(FacadeTelemetry.ActivitySource, "facade.routing.watch"))
            {
                try
                {
                    ok = await PollOnceAsync(after, waitSeconds, tick, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    LogUnreachable(logger, ex.GetType().Name, state.Current?.Version);
                    BackgroundTraces.Fail(tick, "Control unreachable: " + ex.GetType().Name);
                    ok = false;
                }
            }

            if (ok)
            {
                after = state.Current?.Version;
                backoff = MinBackoff;
                continue;
            }

            // After any trouble ask for the current table unconditionally: a restarted Control may count versions anew.
            after = null;
            try
            {
                await Task.Delay(backoff, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    private async Task<bool> PollOnceAsync(long? after, int waitSeconds, Activity? tick, CancellationToken cancellationToken)
    {
        using var response = await cluster.GetRoutingTableAsync(after, waitSeconds, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return true;
        }

        if (!response.IsSuccessStatusCode || response.Content is not { } table)
        {
            LogRefused(logger, (int?)response.StatusCode ?? 0);
            BackgroundTraces.Fail(tick, "Control refused the routing table");
            return false;
        }

        var current = state.Current;
        if (current is not null && current.Version == table.Version && current.Table.GeneratedAt.Equals(table.GeneratedAt))
        {
            return true;
        }

        RoutingSnapshot snapshot;
        try
        {
            snapshot = RoutingSnapshot.Build(table);
        }
        catch (Exception ex)
        {
            // A table we cannot build must not replace one we can.
            LogBuildFailed(logger, ex, table.Version);
            BackgroundTraces.Fail(tick, "routing table could not be built");
            return false;
        }

        state.Publish(snapshot);
        tick?.SetTag(RoutingVersionTag, table.Version);
        BackgroundTraces.Keep(tick);
        LogApplied(logger, table.Version, table.Services.Count, table.Roles.Count);
        return true;
    }

    [LoggerMessage(1, LogLevel.Information, "Routing table version {Version} applied ({ServiceCount} services, {RoleCount} roles)")]
    private static partial void LogApplied(ILogger logger, long version, int serviceCount, int roleCount);

    [LoggerMessage(2, LogLevel.Warning, "Control unreachable for the routing table ({Error}); routing continues from version {Version}")]
    private static partial void LogUnreachable(ILogger logger, string error, long? version);

    [LoggerMessage(3, LogLevel.Warning, "Control answered {StatusCode} for the routing table; retrying")]
    private static partial void LogRefused(ILogger logger, int statusCode);

    [LoggerMessage(4, LogLevel.Error, "Routing table version {Version} could not be built; keeping the previous one")]
    private static partial void LogBuildFailed(ILogger logger, Exception exception, long version);
}
