using GenieHive.Simulator.Generation;

namespace GenieHive.Simulator.Completions;

/// <summary><c>POST /v1/completions</c>: legacy text completions, JSON or SSE.</summary>
public static class CompletionsApi
{
    /// <summary>Maps the legacy text completions endpoint.</summary>
    public static IEndpointConventionBuilder MapCompletionsApi(this IEndpointRouteBuilder endpoints)
    {
        var generation = endpoints.ServiceProvider.GetRequiredService<GenerationService>();
        return endpoints.MapPost("/v1/completions", context => generation.HandleAsync(context, TextCompletionFormat.Instance))
            .WithName("Completions");
    }
}
