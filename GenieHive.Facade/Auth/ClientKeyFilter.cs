using GenieHive.Facade.Errors;

namespace GenieHive.Facade.Auth;

/// <summary>Rejects requests without a valid client key with OpenAI's 401 (set once per route group).</summary>
internal sealed class ClientKeyFilter(ClientKeys keys) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        keys.IsAuthorized(context.HttpContext.Request)
            ? next(context)
            : ValueTask.FromResult<object?>(OpenAiErrors.InvalidApiKey());
}

/// <summary>Route-group conventions for client auth.</summary>
public static class ClientKeyEndpointExtensions
{
    /// <summary>Requires a client key (<c>X-Api-Key</c> or <c>Authorization: Bearer</c>) on every endpoint of the group.</summary>
    public static RouteGroupBuilder RequireClientKey(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<ClientKeyFilter>();
        return group;
    }
}
