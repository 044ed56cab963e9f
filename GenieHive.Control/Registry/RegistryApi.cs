using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Control.Auth;
using GenieHive.Control.Leadership;
using GenieHive.Control.Roles;
using GenieHive.Control.Routing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenieHive.Control.Registry;

/// <summary>
/// The registry on the operator API, behind the client key (the facade re-exposes it at the same paths):
/// <c>GET /v1/cluster/hosts</c>, <c>/services</c> and <c>/health</c>.
/// </summary>
public static class RegistryApi
{
    /// <summary>Maps the host and service listings and the cluster's health.</summary>
    public static RouteGroupBuilder MapRegistryApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapClientKeyGroup("/v1/cluster", "Registry");

        group.MapGet("/hosts", GetHosts);
        group.MapGet("/services", GetServices);
        group.MapGet("/health", GetHealth);
        return group;
    }

    private static Ok<ListResponse<HostView>> GetHosts(ClusterViews views, TimeProvider time) =>
        TypedResults.Ok(new ListResponse<HostView>(views.Capture(time.UnixSeconds()).Hosts));

    private static Ok<ListResponse<ServiceView>> GetServices(ClusterViews views, TimeProvider time) =>
        TypedResults.Ok(new ListResponse<ServiceView>(views.Capture(time.UnixSeconds()).Services));

    private static Ok<ClusterHealth> GetHealth(
        ClusterViews views, RoleCatalog roles, RoutingTablePublisher publisher, LeaderElector leadership, TimeProvider time)
    {
        var term = leadership.Current;
        var version = publisher.Fresh().Version;
        var state = views.Capture(time.UnixSeconds());
        return TypedResults.Ok(new ClusterHealth
        {
            Status = "ok",
            HostCount = state.Hosts.Count,
            OnlineHostCount = state.Hosts.Count(host => !host.Status.Stale && string.Equals(host.Status.State, "online", StringComparison.Ordinal)),
            StaleHostCount = state.StaleHosts.Count,
            ServiceCount = state.Services.Count,
            HealthyServiceCount = state.Services.Count(service => string.Equals(service.State?.Health, HealthStates.Healthy, StringComparison.Ordinal)),
            RoutableServiceCount = state.Services.Count(service => service.Routable),
            CoolingDownServiceCount = state.Services.Count(service => service.Cooldown is not null),
            RoleCount = roles.Roles.Count,
            RoutingVersion = version,
            StaleHosts = state.StaleHosts,
            Leadership = new ControlLeadership { Leader = term is not null, Epoch = term?.Epoch },
        });
    }
}
