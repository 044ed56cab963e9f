using GenieHive.Contracts.Cluster;
using GenieHive.Control.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenieHive.Control.Roles;

/// <summary>The role catalog on the operator API, behind the client key: <c>GET /v1/cluster/roles</c>.</summary>
public static class RolesApi
{
    /// <summary>Maps the role listing.</summary>
    public static RouteGroupBuilder MapRolesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapClientKeyGroup("/v1/cluster", "Roles");

        group.MapGet("/roles", GetRoles);
        return group;
    }

    private static Ok<ListResponse<RoleView>> GetRoles(RoleCatalog roles) =>
        TypedResults.Ok(new ListResponse<RoleView>(roles.Roles));
}
