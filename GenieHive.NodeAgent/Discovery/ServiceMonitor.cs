using GenieHive.Contracts;
using GenieHive.NodeAgent.Configuration;
using GenieHive.NodeAgent.Inventory;
using Microsoft.Extensions.Options;

namespace GenieHive.NodeAgent.Discovery;

/// <summary>
/// One pass over the host's services: probe health and ask each engine what it has, all services at once,
/// every request bounded by the probe timeout. Nothing here throws: a failure becomes state.
/// </summary>
internal sealed partial class ServiceMonitor(
    NodeInventory inventory,
    HealthProber prober,
    IEnumerable<IEngineDiscoverer> discoverers,
    AutoDiscovery autoDiscovery,
    IOptions<NodeOptions> options,
    TimeProvider timeProvider,
    NodeAgentTelemetry telemetry,
    ILogger<ServiceMonitor> logger)
{
    private readonly Dictionary<string, IEngineDiscoverer> _discoverers =
        discoverers.ToDictionary(d => d.Protocol, StringComparer.Ordinal);

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        // A pass that changes nothing is not traced; one that finds a service changed or failing is.
        using var activity = BackgroundTraces.StartTick(NodeAgentTelemetry.ActivitySource, "node.discovery");
        activity?.SetTag("geniehive.host_id", options.Value.EffectiveHostId);
        try
        {
            if (autoDiscovery.Enabled)
            {
                await autoDiscovery.ProbeAsync(cancellationToken).ConfigureAwait(false);
            }

            var services = inventory.Services;
            activity?.SetTag("geniehive.service_count", services.Count);
            var changed = await Task.WhenAll(services.Select(s => RefreshServiceAsync(s.Definition, cancellationToken))).ConfigureAwait(false);
            if (changed.Contains(true))
            {
                BackgroundTraces.Keep(activity);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPassFailed(logger, ex);
            BackgroundTraces.Fail(activity, ex.GetType().Name);
        }
        finally
        {
            inventory.MarkRefreshed();
        }
    }

    /// <returns>True when the service's state changed or its probe failed: worth a trace.</returns>
    private async Task<bool> RefreshServiceAsync(ServiceDefinition service, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        HealthOutcome health;
        DiscoveryOutcome discovery;
        try
        {
            var healthTask = prober.ProbeAsync(service, cancellationToken);
            var discoveryTask = _discoverers.TryGetValue(service.Discover, out var discoverer)
                ? discoverer.DiscoverAsync(service.Endpoint, cancellationToken)
                : Task.FromResult(DiscoveryOutcome.NotApplicable);
            health = await healthTask.ConfigureAwait(false);
            discovery = await discoveryTask.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // An engine answering something no parser expected must not take the agent down; it counts as a failed probe.
            LogProbeCrashed(logger, service.ServiceId, ex);
            health = new HealthOutcome(HealthVerdict.Unreachable, "probe failed: " + ex.Message);
            discovery = DiscoveryOutcome.NotApplicable;
        }

        var succeeded = health.Verdict == HealthVerdict.Healthy && !discovery.Failed;
        telemetry.ProbeDuration(timeProvider.GetElapsedTime(started), service.Discover, succeeded);
        if (!succeeded)
        {
            telemetry.DiscoveryFailure(service.ServiceId, service.Discover);
        }

        var node = options.Value;
        var change = inventory.Update(
            service.ServiceId,
            current => ServiceStateReducer.Apply(current, health, discovery, node.UnhealthyAfterFailures, timeProvider.GetUtcNow()));
        return change is { } states && Report(states.Before, states.After);
    }

    /// <summary>Logs what changed; true when anything did (health, detail, assets) or the probe failed.</summary>
    private bool Report(ServiceLiveState before, ServiceLiveState after)
    {
        var healthChanged = after.Health != before.Health || !string.Equals(after.Detail, before.Detail, StringComparison.Ordinal);
        if (healthChanged)
        {
            if (after.Health == HealthStates.Healthy)
            {
                LogHealthy(logger, after.ServiceId, after.Definition.Endpoint);
            }
            else if (after.Health == HealthStates.Unhealthy)
            {
                LogUnhealthy(logger, after.ServiceId, after.Definition.Endpoint, after.Detail);
            }
        }

        var probeFailed = after.ConsecutiveFailures > 0 && after.Health != HealthStates.Unhealthy;
        if (probeFailed)
        {
            LogProbeFailed(logger, after.ServiceId, after.ConsecutiveFailures, after.LastFailure);
        }

        var assetsChanged = !SameAssets(before, after);
        if (assetsChanged)
        {
            LogAssets(
                logger,
                after.ServiceId,
                string.Join(", ", after.Assets.Select(a => a.AssetId)),
                string.Join(", ", after.Assets.Where(a => a.Loaded).Select(a => a.AssetId)));
        }

        return healthChanged || probeFailed || assetsChanged;
    }

    private static bool SameAssets(ServiceLiveState before, ServiceLiveState after) =>
        before.Assets.Count == after.Assets.Count
        && before.Assets.Zip(after.Assets).All(p =>
            string.Equals(p.First.AssetId, p.Second.AssetId, StringComparison.Ordinal) && p.First.Loaded == p.Second.Loaded);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service {ServiceId} at {Endpoint} is healthy")]
    private static partial void LogHealthy(ILogger logger, string serviceId, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {ServiceId} at {Endpoint} is unhealthy: {Detail}")]
    private static partial void LogUnhealthy(ILogger logger, string serviceId, string endpoint, string? detail);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Probe of {ServiceId} failed ({Failures} in a row), keeping its last known state: {Reason}")]
    private static partial void LogProbeFailed(ILogger logger, string serviceId, int failures, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service {ServiceId} now lists {Assets}; loaded: {Loaded}")]
    private static partial void LogAssets(ILogger logger, string serviceId, string assets, string loaded);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Probing {ServiceId} failed unexpectedly")]
    private static partial void LogProbeCrashed(ILogger logger, string serviceId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A discovery pass failed unexpectedly; the last known state is kept")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
