using GenieHive.Contracts.Auth;

namespace GenieHive.Facade.Auth;

/// <summary>Route-group conventions for client auth.</summary>
public static class ClientKeyEndpointExtensions
{
    /// <summary>
    /// Requires a client key with <paramref name="scope"/> (<see cref="KeyScope.None"/>: any valid key) on every endpoint
    /// of the group, or answers OpenAI's 401, 403 <c>insufficient_scope</c> or 429 (<see cref="ClientKeyGate"/>).
    /// </summary>
    public static RouteGroupBuilder RequireClientKey(this RouteGroupBuilder group, KeyScope scope) =>
        group.RequireClientKey(_ => scope);

    /// <summary>
    /// As <see cref="RequireClientKey(RouteGroupBuilder, KeyScope)"/>, the refusal written in another API's shape by
    /// <paramref name="shape"/> (Anthropic's for <c>/v1/messages</c>).
    /// </summary>
    public static RouteGroupBuilder RequireClientKey(this RouteGroupBuilder group, KeyScope scope, Func<KeyRefusal, IResult> shape) =>
        group.RequireClientKey(_ => scope, shape);

    /// <summary>
    /// As <see cref="RequireClientKey(RouteGroupBuilder, KeyScope)"/>, the scope chosen per request (the operator relay:
    /// reads and writes differ). A filter factory rather than <c>AddEndpointFilter&lt;T&gt;</c>: the typed overload builds
    /// its activator with System.Linq.Expressions, which this would be the only reason to load (about 2.5 MB resident).
    /// </summary>
    public static RouteGroupBuilder RequireClientKey(this RouteGroupBuilder group, Func<HttpRequest, KeyScope> scopeOf, Func<KeyRefusal, IResult>? shape = null)
    {
        group.AddEndpointFilterFactory((factoryContext, next) =>
        {
            var gate = factoryContext.ApplicationServices.GetRequiredService<ClientKeyGate>();
            return invocation =>
            {
                var context = invocation.HttpContext;
                return gate.Check(context, scopeOf(context.Request)) is { } refusal
                    ? ValueTask.FromResult<object?>(shape is null ? refusal : shape(refusal))
                    : next(invocation);
            };
        });
        return group;
    }
}
