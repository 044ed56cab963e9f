using GenieHive.Contracts.Auth;
using GenieHive.Facade.Auth;
using GenieHive.Facade.Proxy;

namespace GenieHive.Facade.Chat;

/// <summary>Text generation: OpenAI's chat completions and legacy completions, proxied to chat services.</summary>
public static class ChatApi
{
    /// <summary>Maps <c>POST /v1/chat/completions</c> and <c>POST /v1/completions</c> (client key required).</summary>
    public static RouteGroupBuilder MapChatApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1").RequireClientKey(KeyScope.Inference);
        group.MapPost("/chat/completions", static (HttpContext context, ChatCompletionsEndpoint endpoint, FailoverForwarder forwarder) =>
            forwarder.ForwardAsync(context, endpoint));
        group.MapPost("/completions", static (HttpContext context, CompletionsEndpoint endpoint, FailoverForwarder forwarder) =>
            forwarder.ForwardAsync(context, endpoint));
        return group;
    }
}
