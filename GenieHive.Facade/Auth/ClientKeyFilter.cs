using GenieHive.Facade.Errors;

namespace GenieHive.Facade.Auth;

/// <summary>Route-group conventions for client auth.</summary>
public static class ClientKeyEndpointExtensions
{
    /// <summary>
    /// Requires a client key (<c>X-Api-Key</c> or <c>Authorization: Bearer</c>) on every endpoint of the group, or
    /// answers OpenAI's 401. A filter factory rather than <c>AddEndpointFilter&lt;T&gt;</c>: the typed overload builds
    /// its activator with System.Linq.Expressions, which this would be the only reason to load (about 2.5 MB resident).
    /// </summary>
    public static RouteGroupBuilder RequireClientKey(this RouteGroupBuilder group) =>
        group.RequireClientKey(OpenAiErrors.InvalidApiKey);

    /// <summary>As <see cref="RequireClientKey(RouteGroupBuilder)"/>, answering a refused key with <paramref name="refusal"/> (another API's 401).</summary>
    public static RouteGroupBuilder RequireClientKey(this RouteGroupBuilder group, Func<IResult> refusal)
    {
        group.AddEndpointFilterFactory((factoryContext, next) =>
        {
            var keys = factoryContext.ApplicationServices.GetRequiredService<ClientKeys>();
            return invocation => keys.IsAuthorized(invocation.HttpContext.Request)
                ? next(invocation)
                : ValueTask.FromResult<object?>(refusal());
        });
        return group;
    }
}
