using GenieHive.Contracts;
using GenieHive.Facade.Proxy;
using GenieHive.Routing;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Embeddings;

/// <summary>
/// <c>POST /v1/embeddings</c>: needs <c>input</c> as a string or an array; body defaults apply; the vectors are
/// relayed as they come.
/// </summary>
internal sealed class EmbeddingsEndpoint(IOptions<LimitsOptions> limits)
    : JsonProxyEndpoint("embeddings", ServiceKinds.Embeddings, "/v1/embeddings", limits)
{
    public override IResponseRelay SelectRelay(JsonProxyRequest request, RouteTarget target, HttpResponseMessage response) =>
        MediaTypes.IsEventStream(response.Content.Headers.ContentType?.MediaType) ? SseRelay.Unchanged : StreamCopyRelay.Unchanged;

    protected override ClientError? CheckFields(in ScannedRequest scanned) => TextOrList(scanned.Input, "input");
}
