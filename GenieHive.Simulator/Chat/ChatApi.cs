using GenieHive.Simulator.Generation;

namespace GenieHive.Simulator.Chat;

/// <summary><c>POST /v1/chat/completions</c>, JSON or SSE (<c>"stream": true</c>).</summary>
public static class ChatApi
{
    /// <summary>Maps the chat completions endpoint.</summary>
    public static IEndpointConventionBuilder MapChatApi(this IEndpointRouteBuilder endpoints)
    {
        // Resolved once: the handler is on the benchmark's hot path, so it skips parameter binding entirely.
        var generation = endpoints.ServiceProvider.GetRequiredService<GenerationService>();
        return endpoints.MapPost("/v1/chat/completions", context => generation.HandleAsync(context, ChatFormat.Instance))
            .WithName("ChatCompletions");
    }
}
