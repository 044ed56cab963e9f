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
        var request = context.HttpContext.Request;
        // Either header may carry the key (a proxy may add one beside the caller's); both are checked.
        if (!ring.IsEnabled || ring.Accepts(ApiKeyHeader(request)) | ring.Accepts(BearerToken(request)))
        {
            return next(context);
        }

        return ValueTask.FromResult<object?>(Problems.Unauthorized(
            "A valid client key is required (X-Api-Key or Authorization: Bearer)."));
    }

    private static ReadOnlySpan<char> ApiKeyHeader(HttpRequest request)
    {
        var apiKey = request.Headers[GenieHiveHeaders.ApiKey];
        return apiKey.Count == 1 && apiKey[0] is { } value ? value.AsSpan().Trim() : [];
    }

    private static ReadOnlySpan<char> BearerToken(HttpRequest request)
    {
        var authorization = request.Headers.Authorization;
        return authorization.Count == 1 && authorization[0] is { } value
            && value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
                ? value.AsSpan(BearerPrefix.Length).Trim()
                : [];
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
