using GenieHive.Contracts;
using GenieHive.Facade.Proxy;
using GenieHive.Routing;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Chat;

/// <summary>
/// <c>POST /v1/completions</c> (OpenAI's legacy completions, served by chat models): needs <c>prompt</c> as a string
/// or an array; body defaults apply, a system prompt does not (there are no messages); reasoning is stripped.
/// </summary>
internal sealed class CompletionsEndpoint(IOptions<LimitsOptions> limits)
    : JsonProxyEndpoint("completions", ServiceKinds.Chat, "/v1/completions", limits)
{
    public override IResponseRelay SelectRelay(JsonProxyRequest request, RouteTarget target, HttpResponseMessage response) =>
        StrippingReasoning(request, response);

    protected override ClientError? CheckFields(in ScannedRequest scanned) => TextOrList(scanned.Prompt, "prompt");
}
