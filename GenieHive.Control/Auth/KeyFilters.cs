using GenieHive.Contracts;
using GenieHive.Control.Http;
using Microsoft.Extensions.Primitives;

namespace GenieHive.Control.Auth;

/// <summary>
/// Client key check for <c>/v1/cluster/*</c>: <c>X-Api-Key</c> or <c>Authorization: Bearer</c>.
/// A node key is not a client key, so it is refused here.
/// </summary>
public sealed class ClientKeyFilter(ControlKeys keys) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var ring = keys.Client;
        var request = context.HttpContext.Request;
        if (!ring.IsEnabled || ring.Accepts(KeyHeaders.Single(request.Headers[GenieHiveHeaders.ApiKey]), KeyHeaders.Single(request.Headers.Authorization)))
        {
            return next(context);
        }

        return ValueTask.FromResult<object?>(Problems.Unauthorized(
            "A valid client key is required (X-Api-Key or Authorization: Bearer)."));
    }
}

/// <summary>Node key check for <c>/v1/nodes/*</c>: <c>X-GenieHive-Node-Key</c>. A client key is refused here.</summary>
public sealed class NodeKeyFilter(ControlKeys keys) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var ring = keys.Node;
        if (!ring.IsEnabled || ring.Accepts(KeyHeaders.Single(context.HttpContext.Request.Headers[GenieHiveHeaders.NodeKey]), authorization: null))
        {
            return next(context);
        }

        return ValueTask.FromResult<object?>(Problems.Unauthorized(
            "A valid node key is required (X-GenieHive-Node-Key)."));
    }
}

internal static class KeyHeaders
{
    /// <summary>A header sent once; a repeated header carries no key (which of them would be meant?).</summary>
    public static string? Single(StringValues values) => values.Count == 1 ? values[0] : null;
}

/// <summary>Route groups of the operator API: every endpoint under them requires a client key.</summary>
public static class ClientKeyGroups
{
    /// <summary>A group at <paramref name="prefix"/> behind <see cref="ClientKeyFilter"/>, tagged <paramref name="tag"/> (OpenAPI).</summary>
    public static RouteGroupBuilder MapClientKeyGroup(this IEndpointRouteBuilder endpoints, string prefix, string tag) =>
        endpoints.MapGroup(prefix).AddEndpointFilter<ClientKeyFilter>().WithTags(tag);
}
