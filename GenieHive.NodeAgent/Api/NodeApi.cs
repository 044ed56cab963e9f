using GenieHive.Contracts.Nodes;
using GenieHive.NodeAgent.Heartbeat;
using GenieHive.NodeAgent.Inventory;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenieHive.NodeAgent.Api;

/// <summary>
/// The node API (<c>/v1/node/*</c>): read-only and unauthenticated, like <c>/health</c>. It shows what the agent
/// reports to Control and never the node key.
/// </summary>
public static class NodeApi
{
    /// <summary>
    /// Maps <c>GET /v1/node/inventory</c> (the host and its services with live state), <c>GET /v1/node/registration</c>
    /// (the payload POSTed to Control's <c>/v1/nodes/register</c>) and <c>GET /v1/node/status</c> (register and
    /// heartbeat times, last errors, per-service probe history).
    /// </summary>
    public static RouteGroupBuilder MapNodeApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/node").WithTags("Node");
        group.MapGet("/inventory", GetInventory);
        group.MapGet("/registration", GetRegistration);
        group.MapGet("/status", GetStatus);
        return group;
    }

    private static Ok<HostRegistration> GetInventory(RegistrationBuilder builder) => TypedResults.Ok(builder.BuildRegistration());

    // What Control got at the last registration; before any, what the agent is about to send.
    private static Ok<HostRegistration> GetRegistration(ControlSession session, RegistrationBuilder builder) =>
        TypedResults.Ok(session.LastRegistration ?? builder.BuildRegistration());

    private static Ok<NodeStatus> GetStatus(ControlSession session, RegistrationBuilder builder, NodeInventory inventory)
    {
        var control = session.Status;
        return TypedResults.Ok(new NodeStatus(
            builder.HostId,
            control.ControlConfigured,
            control.Registered,
            control.LastRegisteredAt,
            control.LastHeartbeatAt,
            control.LastAttemptAt,
            control.LastOutcome,
            control.LastError,
            control.ConsecutiveFailures,
            control.Registrations,
            control.Heartbeats,
            [.. inventory.Services.Select(s => new ServiceStatus(
                s.ServiceId,
                s.Definition.Endpoint,
                s.Definition.Discover,
                s.Definition.AutoDiscovered,
                s.Health,
                s.Detail,
                s.ConsecutiveFailures,
                s.LastFailure,
                s.LastProbeAt,
                s.LastSuccessAt))]));
    }
}
