namespace GenieHive.Simulator.Embeddings;

/// <summary><c>POST /v1/embeddings</c>.</summary>
public static class EmbeddingsApi
{
    /// <summary>Maps the embeddings endpoint.</summary>
    public static IEndpointConventionBuilder MapEmbeddingsApi(this IEndpointRouteBuilder endpoints)
    {
        var embeddings = endpoints.ServiceProvider.GetRequiredService<EmbeddingsService>();
        return endpoints.MapPost("/v1/embeddings", context => embeddings.HandleAsync(context))
            .WithName("Embeddings");
    }
}
