using GenieHive.Contracts;
using GenieHive.Facade.Proxy;
using GenieHive.Routing;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Rerank;

/// <summary>
/// <c>POST /v1/rerank</c> (the Jina/Cohere shape llama.cpp's <c>--reranking</c> and vLLM serve) to rerank services:
/// body defaults apply; the scores are relayed as they come. <c>query</c> and <c>documents</c> are the engine's to
/// check (the scanner reads only the fields the OpenAI endpoints share); its 400 reaches the client in OpenAI's shape.
/// </summary>
internal sealed class RerankEndpoint(IOptions<LimitsOptions> limits)
    : JsonProxyEndpoint("rerank", ServiceKinds.Rerank, "/v1/rerank", limits)
{
    public override IResponseRelay SelectRelay(JsonProxyRequest request, RouteTarget target, HttpResponseMessage response) =>
        StreamCopyRelay.Unchanged;

    protected override ClientError? CheckFields(in ScannedRequest scanned) => null;
}
