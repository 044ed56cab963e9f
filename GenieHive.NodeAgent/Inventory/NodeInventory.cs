using GenieHive.NodeAgent.Configuration;
using Microsoft.Extensions.Options;

namespace GenieHive.NodeAgent.Inventory;

/// <summary>
/// The live state of every service on this host. Written by the discovery loop, read by the heartbeat
/// and the node API; each read gets an immutable snapshot.
/// </summary>
internal sealed class NodeInventory
{
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _firstRefresh = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ServiceLiveState[] _services;

    public NodeInventory(IOptions<NodeOptions> options)
    {
        _services = [.. options.Value.Services.Select(s => ServiceLiveState.Initial(ServiceDefinition.FromOptions(s)))];
        HasConfiguredServices = _services.Length > 0;
    }

    /// <summary>False when the agent runs on zero configuration and looks for engines itself.</summary>
    public bool HasConfiguredServices { get; }

    public IReadOnlyList<ServiceLiveState> Services
    {
        get
        {
            lock (_gate)
            {
                return _services;
            }
        }
    }

    /// <summary>Completes after the first discovery pass, so that the first registration already says what the engines have.</summary>
    public Task FirstRefresh => _firstRefresh.Task;

    public void MarkRefreshed() => _firstRefresh.TrySetResult();

    public bool Contains(string serviceId) => Services.Any(s => string.Equals(s.ServiceId, serviceId, StringComparison.Ordinal));

    /// <summary>Adds a service found by zero-configuration start; false if one with that id exists.</summary>
    public bool TryAdd(ServiceDefinition definition)
    {
        lock (_gate)
        {
            if (_services.Any(s => string.Equals(s.ServiceId, definition.ServiceId, StringComparison.Ordinal)))
            {
                return false;
            }

            _services = [.. _services, ServiceLiveState.Initial(definition)];
            return true;
        }
    }

    /// <summary>Replaces one service's state; returns the state before and after (null if the service is gone).</summary>
    public (ServiceLiveState Before, ServiceLiveState After)? Update(string serviceId, Func<ServiceLiveState, ServiceLiveState> update)
    {
        lock (_gate)
        {
            var index = Array.FindIndex(_services, s => string.Equals(s.ServiceId, serviceId, StringComparison.Ordinal));
            if (index < 0)
            {
                return null;
            }

            var before = _services[index];
            var after = update(before);
            var copy = (ServiceLiveState[])_services.Clone();
            copy[index] = after;
            _services = copy;
            return (before, after);
        }
    }
}
