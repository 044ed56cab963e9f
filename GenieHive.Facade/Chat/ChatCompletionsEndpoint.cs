using GenieHive.Contracts;
using GenieHive.Facade.Errors;
using GenieHive.Facade.Proxy;
using GenieHive.Routing;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Chat;

/// <summary>
/// <c>POST /v1/chat/completions</c>: needs <c>messages</c> as an array; the role's system prompt and body defaults go
/// into the body; reasoning is stripped from the answer, streamed or not.
/// </summary>
internal sealed class ChatCompletionsEndpoint(IOptions<LimitsOptions> limits)
    : JsonProxyEndpoint("chat", ServiceKinds.Chat, "/v1/chat/completions", limits)
{
    private static readonly ClientError MessagesNotAnArray =
        new(StatusCodes.Status400BadRequest, "'messages' must be an array.", OpenAiErrorCodes.InvalidType, "messages");

    private static readonly ClientError MessagesMissing = ClientError.Missing("messages");

    protected override bool AppliesSystemPrompt => true;

    public override IResponseRelay SelectRelay(JsonProxyRequest request, RouteTarget target, HttpResponseMessage response) =>
        StrippingReasoning(request, response);

    protected override ClientError? CheckFields(in ScannedRequest scanned) => scanned.Messages switch
    {
        FieldShape.Array => null,
        FieldShape.String or FieldShape.Other => MessagesNotAnArray,
        _ => MessagesMissing,
    };
}
