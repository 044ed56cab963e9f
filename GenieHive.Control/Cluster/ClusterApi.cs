using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Control.Auth;
using GenieHive.Control.Roles;
using GenieHive.Control.Routing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenieHive.Control.Cluster;

/// <summary>The operator API (<c>/v1/cluster/*</c>), behind the client key. The facade re-exposes it at the same paths.</summary>
public static class ClusterApi
{
    /// <summary>
    /// Maps the cluster listings and health, benchmarks, route explanations, the routing table long poll and
    /// the facades' observations, all behind the client key.
    /// </summary>
    public static RouteGroupBuilder MapClusterApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/cluster")
            .AddEndpointFilter<ClientKeyFilter>()
            .WithTags("Cluster");

        group.MapGet("/hosts", GetHosts);
        group.MapGet("/services", GetServices);
        group.MapGet("/roles", GetRoles);
        group.MapGet("/health", GetHealth);
        group.MapBenchmarkEndpoints();
        group.MapRouteEndpoints();
        group.MapRoutingTableEndpoints();
        group.MapObservationEndpoints();
        return group;
    }

    private static Ok<ListResponse<HostView>> GetHosts(ClusterViews views, TimeProvider time) =>
        TypedResults.Ok(new ListResponse<HostView>(views.Capture(time.UnixSeconds()).Hosts));

    private static Ok<ListResponse<ServiceView>> GetServices(ClusterViews views, TimeProvider time) =>
        TypedResults.Ok(new ListResponse<ServiceView>(views.Capture(time.UnixSeconds()).Services));

    private static Ok<ListResponse<RoleView>> GetRoles(RoleCatalog roles) =>
        TypedResults.Ok(new ListResponse<RoleView>(roles.Roles));

    private static Ok<ClusterHealth> GetHealth(ClusterViews views, RoleCatalog roles, RoutingTablePublisher publisher, TimeProvider time)
    {
        var version = publisher.Fresh().Version;
        var state = views.Capture(time.UnixSeconds());
        return TypedResults.Ok(new ClusterHealth
        {
            Status = "ok",
            HostCount = state.Hosts.Count,
            OnlineHostCount = state.Hosts.Count(host => !host.Status.Stale && string.Equals(host.Status.State, "online", StringComparison.Ordinal)),
            StaleHostCount = state.StaleHosts.Count,
            ServiceCount = state.Services.Count,
            HealthyServiceCount = state.Services.Count(service => string.Equals(service.State?.Health, Contracts.HealthStates.Healthy, StringComparison.Ordinal)),
            RoutableServiceCount = state.Services.Count(service => service.Routable),
            CoolingDownServiceCount = state.Services.Count(service => service.Cooldown is not null),
            RoleCount = roles.Roles.Count,
            RoutingVersion = version,
            StaleHosts = state.StaleHosts,
        });
    }
}
