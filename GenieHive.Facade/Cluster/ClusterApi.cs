using GenieHive.Contracts.Auth;
using GenieHive.Facade.Auth;

namespace GenieHive.Facade.Cluster;

/// <summary>
/// Control's operator API re-exposed at the same paths, so a client needs one base URL: every <c>/v1/cluster/*</c>
/// request is relayed to Control as it is (<see cref="ControlRelay"/>), and Control's answer comes back as it is.
/// </summary>
public static class ClusterApi
{
    /// <summary>
    /// Maps <c>/v1/cluster/{**path}</c>, any method, as a relay to Control (scope <c>operator.read</c> to read,
    /// <c>operator.write</c> to change: <see cref="KeyScopes.ForOperatorRequest"/>, the rule Control applies too), and
    /// <c>/v1/admin/{**path}</c> (scope <c>admin</c>: keys and the audit). The facade checks the caller's key and scope,
    /// then presents its own configured key to Control.
    /// </summary>
    public static RouteGroupBuilder MapClusterApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/v1/admin").RequireClientKey(KeyScope.Admin).MapControlRelay();
        return endpoints.MapGroup("/v1/cluster")
            .RequireClientKey(static request => KeyScopes.ForOperatorRequest(request.Method, request.Path.Value ?? ""))
            .MapControlRelay();
    }

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
