using System.Text;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Facade.Proxy;
using GenieHive.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GenieHive.Tests.Facade;

/// <summary>
/// Adding a proxied endpoint is adding one class: an endpoint the facade has never heard of, written here, gets the
/// whole request path (routing, failover, its own relay, its own upstream path, the model rewritten) from the
/// facade's own <see cref="FailoverForwarder"/>, with no change to the facade.
/// </summary>
public sealed class NewEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnEndpointWrittenOutsideTheFacadeIsRoutedFailedOverAndRelayed()
    {
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Json("""{"results":[{"index":0,"relevance_score":0.9}]}"""));
        await using var control = await FakeControl.StartAsync(TestTables.Table(1,
        [
            TestTables.Service("down", Upstreams.ClosedPortUrl(), ["ranker"], p50: 100),
            TestTables.Service("up", upstream.Url, ["ranker"], host: "h2", p50: 9000),
        ]));
        await using var facade = await FacadeHost.StartAsync(control);
        var endpoint = new RerankEndpoint(facade.Services.GetRequiredService<IOptions<LimitsOptions>>());
        var context = Post("""{"model":"ranker","query":"q","documents":["a","b"]}""");

        await facade.Services.GetRequiredService<FailoverForwarder>().ForwardAsync(context, endpoint);

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        Assert.Equal("up", context.Response.Headers[GenieHiveHeaders.ServiceId].ToString());
        Assert.Equal(0.9, JsonNode.Parse(Body(context))!["results"]![0]!["relevance_score"]!.GetValue<double>());
        var sent = Assert.Single(upstream.Requests);
        Assert.Equal("/v1/rerank", sent.Path);
        Assert.Equal("ranker", JsonNode.Parse(sent.BodyText)!["model"]!.GetValue<string>());
        Assert.Equal(1, endpoint.RelaysChosen);
    }

    [Fact]
    public async Task ANewEndpointsRefusalIsWrittenByItsOwnErrorWriter()
    {
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, []));
        await using var facade = await FacadeHost.StartAsync(control);
        var endpoint = new RerankEndpoint(facade.Services.GetRequiredService<IOptions<LimitsOptions>>());
        var context = Post("""{"model":"ghost","query":"q","documents":[]}""");

        await facade.Services.GetRequiredService<FailoverForwarder>().ForwardAsync(context, endpoint);

        Assert.Equal(StatusCodes.Status404NotFound, context.Response.StatusCode);
        Assert.Equal("model_not_found", JsonNode.Parse(Body(context))!["error"]!["code"]!.GetValue<string>());
    }

    private static DefaultHttpContext Post(string json)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Post;
        context.Request.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(json);
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static string Body(HttpContext context)
    {
        context.Response.BodyWriter.FlushAsync(Ct).AsTask().GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
    }

    /// <summary>A rerank endpoint (the Jina/Cohere shape), as issue 16 will add one: its path, its fields, its relay.</summary>
    private sealed class RerankEndpoint(IOptions<LimitsOptions> limits) : JsonProxyEndpoint("rerank", ServiceKinds.Chat, "/v1/rerank", limits)
    {
        public int RelaysChosen { get; private set; }

        public override IResponseRelay SelectRelay(JsonProxyRequest request, RouteTarget target, HttpResponseMessage response)
        {
            RelaysChosen++;
            return StreamCopyRelay.Unchanged;
        }

        protected override ClientError? CheckFields(in ScannedRequest scanned) => null;
    }
}
