namespace GenieHive.Simulator.Rerank;

/// <summary><c>POST /v1/rerank</c> (and llama-server's aliases <c>/rerank</c>, <c>/v1/reranking</c>).</summary>
public static class RerankApi
{
    public static IEndpointConventionBuilder MapRerankApi(this IEndpointRouteBuilder endpoints)
    {
        var rerank = endpoints.ServiceProvider.GetRequiredService<RerankService>();
        endpoints.MapPost("/rerank", rerank.HandleAsync);
        endpoints.MapPost("/v1/reranking", rerank.HandleAsync);
        return endpoints.MapPost("/v1/rerank", rerank.HandleAsync).WithName("Rerank");
    }
}
