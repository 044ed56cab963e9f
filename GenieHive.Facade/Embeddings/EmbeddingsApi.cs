using GenieHive.Contracts.Auth;
using GenieHive.Facade.Auth;
using GenieHive.Facade.Proxy;

namespace GenieHive.Facade.Embeddings;

/// <summary>Embeddings, proxied to embeddings services.</summary>
public static class EmbeddingsApi
{
    /// <summary>Maps <c>POST /v1/embeddings</c> (client key required).</summary>
    public static RouteGroupBuilder MapEmbeddingsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1").RequireClientKey(KeyScope.Inference);
        group.MapPost("/embeddings", static (HttpContext context, EmbeddingsEndpoint endpoint, FailoverForwarder forwarder) =>
            forwarder.ForwardAsync(context, endpoint));
        return group;
    }
}
