using GenieHive.Contracts.Auth;
using GenieHive.Facade.Auth;
using GenieHive.Facade.Proxy;

namespace GenieHive.Facade.Rerank;

/// <summary>Reranking, proxied to rerank services.</summary>
public static class RerankApi
{
    /// <summary>Maps <c>POST /v1/rerank</c> (client key required).</summary>
    public static RouteGroupBuilder MapRerankApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1").RequireClientKey(KeyScope.Inference);
        group.MapPost("/rerank", static (HttpContext context, RerankEndpoint endpoint, FailoverForwarder forwarder) =>
            forwarder.ForwardAsync(context, endpoint));
        return group;
    }
}
