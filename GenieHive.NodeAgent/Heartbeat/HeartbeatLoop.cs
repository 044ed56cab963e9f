using GenieHive.NodeAgent.Configuration;
using GenieHive.NodeAgent.Inventory;
using Microsoft.Extensions.Options;

namespace GenieHive.NodeAgent.Heartbeat;

/// <summary>
/// Registers at start (retrying with a backoff that grows to the heartbeat interval until Control answers),
/// then heartbeats every <c>HeartbeatIntervalSeconds</c> for as long as the agent runs, Control outages included.
/// </summary>
internal sealed partial class HeartbeatLoop(
    ControlSession session,
    NodeInventory inventory,
    IOptions<NodeOptions> options,
    TimeProvider timeProvider,
    ILogger<HeartbeatLoop> logger) : BackgroundService
{
    private static readonly TimeSpan s_firstBackoff = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!session.ControlConfigured)
        {
            LogStandalone(logger);
            return;
        }

        var node = options.Value;
        await WaitForFirstDiscoveryAsync(node, stoppingToken).ConfigureAwait(false);

        var interval = node.HeartbeatInterval;
        var backoff = s_firstBackoff < interval ? s_firstBackoff : interval;
        while (!await session.RegisterAsync(stoppingToken).ConfigureAwait(false))
        {
            await Task.Delay(backoff, timeProvider, stoppingToken).ConfigureAwait(false);
            backoff = backoff * 2 < interval ? backoff * 2 : interval;
        }

        using var timer = new PeriodicTimer(interval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            await session.HeartbeatAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    // The first registration should already list what the engines have; a slow engine must not hold it up for long.
    private async Task WaitForFirstDiscoveryAsync(NodeOptions node, CancellationToken stoppingToken)
    {
        try
        {
            await inventory.FirstRefresh.WaitAsync(node.ProbeTimeout * 6, timeProvider, stoppingToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogDiscoverySlow(logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Control configured (services:control:http:0); the agent probes its services and serves /v1/node/* but registers nowhere")]
    private static partial void LogStandalone(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "The first discovery pass is slow; registering with what is known so far")]
    private static partial void LogDiscoverySlow(ILogger logger);
}
