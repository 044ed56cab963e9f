using System.Diagnostics;
using System.Net;
using GenieHive.Contracts.Api;
using GenieHive.Contracts.Auth;
using GenieHive.Facade.Auth;
using GenieHive.Facade.Routing;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Keys;

/// <summary>
/// Follows Control's key table with a long poll (<c>GET /v1/admin/keys/watch?after=V</c>), apart from the routing
/// watch: a created, disabled, rotated or deleted key reaches this facade as soon as Control publishes it, and the
/// lookup is rebuilt here, off the request path. When Control is unreachable the last table stays in force (a restarting
/// Control never locks clients out) and the watcher retries with a growing backoff. Only with client auth on: the
/// facade presents its configured key.
/// </summary>
internal sealed partial class KeyTableWatcher(
    IKeyAdminApi admin,
    ClientKeys keys,
    IOptions<RequestRoutingOptions> options,
    TimeProvider time,
    ILogger<KeyTableWatcher> logger) : BackgroundService
{
    private const string KeysVersionTag = "geniehive.keys.version";

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!keys.Enabled)
        {
            return Task.CompletedTask;
        }

        var waitSeconds = options.Value.WatchWaitSeconds;
        return ControlWatchLoop.RunAsync(
            "facade.keys.watch",
            (resync, tick, cancellationToken) => PollOnceAsync(resync ? null : keys.Named.Version, waitSeconds, tick, cancellationToken),
            ex => LogUnreachable(logger, ex.GetType().Name, keys.Named.Version),
            time,
            stoppingToken);
    }

    private async Task<bool> PollOnceAsync(long? after, int waitSeconds, Activity? tick, CancellationToken cancellationToken)
    {
        using var response = await admin.WatchKeysAsync(after, waitSeconds, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return true;
        }

        if (!response.IsSuccessStatusCode || response.Content is not { } table)
        {
            LogRefused(logger, (int?)response.StatusCode ?? 0);
            BackgroundTraces.Fail(tick, "Control refused the key table");
            return false;
        }

        NamedKeyDirectory directory;
        try
        {
            directory = NamedKeyDirectory.Build(table);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            // A table we cannot read must not replace one we can.
            LogBuildFailed(logger, ex.GetType().Name, table.Version);
            BackgroundTraces.Fail(tick, "key table could not be built");
            return false;
        }

        keys.Publish(directory);
        tick?.SetTag(KeysVersionTag, table.Version);
        BackgroundTraces.Keep(tick);
        LogApplied(logger, table.Version, directory.Count);
        return true;
    }

    [LoggerMessage(1, LogLevel.Information, "Key table version {Version} applied ({KeyCount} named keys)")]
    private static partial void LogApplied(ILogger logger, long version, int keyCount);

    [LoggerMessage(2, LogLevel.Warning, "Control unreachable for the key table ({Error}); keys stay as of version {Version}")]
    private static partial void LogUnreachable(ILogger logger, string error, long version);

    [LoggerMessage(3, LogLevel.Warning, "Control answered {StatusCode} for the key table; retrying")]
    private static partial void LogRefused(ILogger logger, int statusCode);

    [LoggerMessage(4, LogLevel.Error, "Key table version {Version} could not be read ({Error}); keeping the previous one")]
    private static partial void LogBuildFailed(ILogger logger, string error, long version);
}
