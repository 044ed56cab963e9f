using GenieHive.Contracts;
using GenieHive.Control.Http;

namespace GenieHive.Control.Auth;

/// <summary>
/// Client key check for <c>/v1/cluster/*</c>: <c>X-Api-Key</c> or <c>Authorization: Bearer</c>.
/// A node key is not a client key, so it is refused here.
/// </summary>
public sealed class ClientKeyFilter(ControlKeys keys) : IEndpointFilter
{
    private const string BearerPrefix = "Bearer ";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var ring = keys.Client;
        if (!ring.IsEnabled || ring.Accepts(PresentedKey(context.HttpContext.Request)))
        {
            return next(context);
        }

        return ValueTask.FromResult<object?>(Problems.Unauthorized(
            "A valid client key is required (X-Api-Key or Authorization: Bearer)."));
    }

    private static ReadOnlySpan<char> PresentedKey(HttpRequest request)
    {
        var apiKey = request.Headers[GenieHiveHeaders.ApiKey];
        if (apiKey.Count == 1 && !string.IsNullOrEmpty(apiKey[0]))
        {
            return apiKey[0].AsSpan().Trim();
        }

        var authorization = request.Headers.Authorization;
        if (authorization.Count == 1 && authorization[0] is { } value
            && value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return value.AsSpan(BearerPrefix.Length).Trim();
        }

        return [];
    }
}

/// <summary>Node key check for <c>/v1/nodes/*</c>: <c>X-GenieHive-Node-Key</c>. A client key is refused here.</summary>
public sealed class NodeKeyFilter(ControlKeys keys) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var ring = keys.Node;
        var presented = context.HttpContext.Request.Headers[GenieHiveHeaders.NodeKey];
        if (!ring.IsEnabled || (presented.Count == 1 && ring.Accepts(presented[0].AsSpan().Trim())))
        {
            return next(context);
        }

        return ValueTask.FromResult<object?>(Problems.Unauthorized(
            "A valid node key is required (X-GenieHive-Node-Key)."));
    }
}
