using GenieHive.Contracts.Auth;
using GenieHive.Facade.Auth;
using GenieHive.Facade.Proxy;

namespace GenieHive.Facade.Responses;

/// <summary>OpenAI's Responses API (stateless), proxied to chat services (natively or translated).</summary>
public static class ResponsesApi
{
    /// <summary>Maps <c>POST /v1/responses</c> (client key required).</summary>
    public static RouteGroupBuilder MapResponsesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1").RequireClientKey(KeyScope.Inference);
        group.MapPost("/responses", static (HttpContext context, ResponsesEndpoint endpoint, FailoverForwarder forwarder) =>
            forwarder.ForwardAsync(context, endpoint));
        return group;
    }
}
