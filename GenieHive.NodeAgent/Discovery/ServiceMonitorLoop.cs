using GenieHive.NodeAgent.Configuration;
using Microsoft.Extensions.Options;

namespace GenieHive.NodeAgent.Discovery;

/// <summary>Runs a discovery and health-probe pass at start, then every <c>DiscoveryIntervalSeconds</c>.</summary>
internal sealed class ServiceMonitorLoop(ServiceMonitor monitor, IOptions<NodeOptions> options, TimeProvider timeProvider) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await monitor.RefreshAsync(stoppingToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(options.Value.DiscoveryInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            await monitor.RefreshAsync(stoppingToken).ConfigureAwait(false);
        }
    }
}
