using GenieHive.Contracts;
using GenieHive.Contracts.Auth;
using GenieHive.Control.Http;
using Microsoft.Extensions.Primitives;

namespace GenieHive.Control.Auth;

/// <summary>
/// Client key check for <c>/v1/cluster/*</c> and <c>/v1/admin/*</c>: <c>X-Api-Key</c> or <c>Authorization: Bearer</c>,
/// then the scope the endpoint needs (its <see cref="RequiredScope"/>, else <see cref="KeyScopes.ForOperatorRequest"/>):
/// 401 without a valid key, 403 <c>insufficient_scope</c> without the scope. A node key is not a client key.
/// </summary>
public sealed class ClientKeyFilter(ControlKeys keys) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (keys.ResolveClient(http.Request) is not { } identity)
        {
            return ValueTask.FromResult<object?>(Problems.Unauthorized(
                "A valid client key is required (X-Api-Key or Authorization: Bearer)."));
        }

        var scope = http.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>()?.Scope
            ?? KeyScopes.ForOperatorRequest(http.Request.Method, http.Request.Path.Value ?? "");
        return identity.Has(scope)
            ? next(context)
            : ValueTask.FromResult<object?>(Problems.InsufficientScope(KeyScopes.ToNames(scope)[0]));
    }
}

/// <summary>Endpoint metadata: the scope a client key needs there, when the operator rule (read or write by method) is not it.</summary>
public sealed record RequiredScope(KeyScope Scope);

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
    public static string? Single(StringValues values) => ControlKeys.Single(values);
}

/// <summary>Route groups of the operator API: every endpoint under them requires a client key.</summary>
public static class ClientKeyGroups
{
    /// <summary>A group at <paramref name="prefix"/> behind <see cref="ClientKeyFilter"/>, tagged <paramref name="tag"/> (OpenAPI).</summary>
    public static RouteGroupBuilder MapClientKeyGroup(this IEndpointRouteBuilder endpoints, string prefix, string tag) =>
        endpoints.MapGroup(prefix).AddEndpointFilter<ClientKeyFilter>().WithTags(tag);

    /// <summary>Requires <paramref name="scope"/> of a client key on these endpoints (instead of the operator read/write rule).</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, KeyScope scope)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredScope(scope));
}
