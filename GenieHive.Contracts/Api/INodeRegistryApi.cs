using GenieHive.Contracts.Nodes;
using Refit;

namespace GenieHive.Contracts.Api;

/// <summary>
/// Control's node API, used by node agents. The node key (<c>X-GenieHive-Node-Key</c>) is added by a
/// delegating handler, so it never appears in call sites or logs.
/// </summary>
public interface INodeRegistryApi
{
    [Post("/v1/nodes/register")]
    Task<IApiResponse<NodeAck>> RegisterAsync([Body] HostRegistration registration, CancellationToken cancellationToken = default);

    /// <summary>404 means Control does not know the host (for example after its database was reset): register again.</summary>
    [Post("/v1/nodes/heartbeat")]
    Task<IApiResponse<NodeAck>> HeartbeatAsync([Body] NodeHeartbeat heartbeat, CancellationToken cancellationToken = default);
}
