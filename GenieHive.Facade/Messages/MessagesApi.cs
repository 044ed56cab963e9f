using GenieHive.Contracts.Auth;
using GenieHive.Facade.Auth;
using GenieHive.Facade.Errors;
using GenieHive.Facade.Proxy;

namespace GenieHive.Facade.Messages;

/// <summary>Anthropic's Messages API, proxied to chat services (natively or translated).</summary>
public static class MessagesApi
{
    /// <summary>Maps <c>POST /v1/messages</c> (client key as <c>x-api-key</c> or Bearer; a refusal in Anthropic's shape).</summary>
    public static RouteGroupBuilder MapMessagesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1").RequireClientKey(KeyScope.Inference, AnthropicErrors.Refusal).WithMetadata(AnthropicErrorShape.Instance);
        group.MapPost("/messages", static (HttpContext context, MessagesEndpoint endpoint, FailoverForwarder forwarder) =>
            forwarder.ForwardAsync(context, endpoint));
        return group;
    }
}
