using GenieHive.Facade.Auth;
using GenieHive.Facade.Errors;
using GenieHive.Facade.Transcriptions;

namespace GenieHive.Facade.Proxy;

/// <summary>The proxied OpenAI endpoints under <c>/v1</c>.</summary>
public static class OpenAiApi
{
    /// <summary>
    /// Maps <c>POST /v1/chat/completions</c>, <c>/v1/completions</c>, <c>/v1/embeddings</c> and
    /// <c>/v1/audio/transcriptions</c> (client key required), plus an OpenAI-shaped 404 for any other <c>/v1</c> path.
    /// </summary>
    public static RouteGroupBuilder MapOpenAiApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1").RequireClientKey();
        group.MapPost("/chat/completions", ChatCompletionsAsync);
        group.MapPost("/completions", CompletionsAsync);
        group.MapPost("/embeddings", EmbeddingsAsync);
        group.MapPost("/audio/transcriptions", TranscriptionsAsync);
        group.Map("/{**path}", UnknownEndpoint);
        return group;
    }

    private static Task ChatCompletionsAsync(HttpContext context, ProxyForwarder forwarder) =>
        forwarder.ForwardJsonAsync(context, OpenAiOperation.ChatCompletions);

    private static Task CompletionsAsync(HttpContext context, ProxyForwarder forwarder) =>
        forwarder.ForwardJsonAsync(context, OpenAiOperation.Completions);

    private static Task EmbeddingsAsync(HttpContext context, ProxyForwarder forwarder) =>
        forwarder.ForwardJsonAsync(context, OpenAiOperation.Embeddings);

    private static Task TranscriptionsAsync(HttpContext context, TranscriptionForwarder forwarder) =>
        forwarder.ForwardAsync(context);

    private static OpenAiErrorResult UnknownEndpoint(HttpContext context) =>
        OpenAiErrors.Result(
            StatusCodes.Status404NotFound,
            "Unknown endpoint: " + context.Request.Method + " " + context.Request.Path + ".",
            OpenAiErrorTypes.InvalidRequest,
            OpenAiErrorCodes.EndpointNotFound);
}
