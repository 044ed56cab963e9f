using GenieHive.Facade.Auth;

namespace GenieHive.Facade.Cluster;

/// <summary>
/// Control's operator API re-exposed at the same paths, so a client needs one base URL: every <c>/v1/cluster/*</c>
/// request is relayed to Control as it is (<see cref="ControlRelay"/>), and Control's answer comes back as it is.
/// </summary>
public static class ClusterApi
{
    /// <summary>Maps <c>/v1/cluster/{**path}</c>, any method (client key required), as a relay to Control.</summary>
    public static RouteGroupBuilder MapClusterApi(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGroup("/v1/cluster").RequireClientKey().MapControlRelay();

    /// <summary>
    /// Relays every path under the group to the same path on Control. The group sets the policy (which key may pass);
    /// Control answers everything else.
    /// </summary>
    public static RouteGroupBuilder MapControlRelay(this RouteGroupBuilder group)
    {
        group.Map("/{**path}", static (HttpContext context, ControlRelay relay) => relay.RelayAsync(context));
        return group;
    }
}
