using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace GenieHive.Tests.Facade;

/// <summary>The facade relays <c>/v1/cluster/*</c> to Control as it is: any path, Control's answer, one try.</summary>
public sealed class ControlRelayTests : IAsyncLifetime
{
    private const int BodyLimit = 4096;

    private FakeControl _control = null!;
    private FacadeHost _facade = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _control = await FakeControl.StartAsync(TestTables.Table(1, [TestTables.Service("svc-a", "http://127.0.0.1:1", ["llama-3-8b"])]));
        _facade = await FacadeHost.StartAsync(_control, new Dictionary<string, string?>
        {
            ["GenieHive:Limits:MaxRequestBodyBytes"] = BodyLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _facade.DisposeAsync();
        await _control.DisposeAsync();
    }

    [Fact]
    public async Task APathTheFacadeNeverHeardOfIsRelayedWithItsQuery()
    {
        using var response = await _facade.Client.GetAsync("/v1/cluster/added-later/run%2F7?b=%C3%A9&a=1", Ct);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        // An escaped slash arrives escaped (ASP.NET Core leaves %2F alone in a route value): the path is Control's as sent.
        Assert.Equal("run%2F7", body["id"]!.GetValue<string>());
        Assert.Equal("?b=%C3%A9&a=1", body["query"]!.GetValue<string>());
    }

    [Fact]
    public async Task APostControlFailsIsSentOnceAndItsAnswerRelayed()
    {
        using var response = await _facade.Client.PostAsync("/v1/cluster/benchmarks/runs", Requests.JsonBody("""{"workload":"chat-short"}"""), Ct);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("The run queue is unavailable.", body["detail"]!.GetValue<string>());
        Assert.Single(_control.OperatorCalls, call => call.PathAndQuery == "/v1/cluster/benchmarks/runs");
    }

    [Fact]
    public async Task AReadControlFailsIsRelayedAsControlAnsweredIt()
    {
        using var response = await _facade.Client.GetAsync("/v1/cluster/flaky", Ct);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Busy.", body["detail"]!.GetValue<string>());
        Assert.Single(_control.OperatorCalls, call => call.PathAndQuery == "/v1/cluster/flaky");
    }

    [Fact]
    public async Task ABodyStreamsThroughWithItsContentType()
    {
        var json = "{\"samples\":[" + new string(' ', 3000) + "]}";
        using var sized = await _facade.Client.PostAsync("/v1/cluster/benchmarks", Requests.JsonBody(json, "application/json; charset=utf-8"), Ct);
        using var chunked = await _facade.Client.PostAsync("/v1/cluster/benchmarks", Chunked(json), Ct);

        foreach (var response in new[] { sized, chunked })
        {
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(Encoding.UTF8.GetByteCount(json), body["bytes"]!.GetValue<long>());
        }

        Assert.Equal("application/json; charset=utf-8", JsonNode.Parse(await sized.Content.ReadAsStringAsync(Ct))!["content_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task ABodyOverTheFacadesLimitIsA413WhetherItsLengthIsKnownOrNot()
    {
        var json = "{\"samples\":[" + new string(' ', BodyLimit) + "]}";
        using var sized = await _facade.Client.PostAsync("/v1/cluster/benchmarks", Requests.JsonBody(json), Ct);
        using var chunked = await _facade.Client.PostAsync("/v1/cluster/benchmarks", Chunked(json), Ct);

        foreach (var response in new[] { sized, chunked })
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("request_too_large", JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!["code"]!.GetValue<string>());
        }

        // The sized one is refused before Control hears of it; the chunked one may have started on its way.
        Assert.True(_control.OperatorCalls.Count(call => call.PathAndQuery == "/v1/cluster/benchmarks") <= 1);
    }

    [Fact]
    public async Task ControlSeesTheFacadesKeyAndNeverTheClients()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/cluster/hosts");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", FacadeHost.Key);
        using var client = new HttpClient { BaseAddress = new Uri(_facade.Url) };

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = Assert.Single(_control.OperatorCalls, call => call.PathAndQuery == "/v1/cluster/hosts");
        Assert.Equal(FacadeHost.Key, call.ApiKey);
        Assert.Null(call.Authorization);
    }

    private static StreamContent Chunked(string json)
    {
        // A stream of unknown length: sent chunked, so only counting while it streams can catch it over the limit.
        var content = new StreamContent(new UnsizedStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private sealed class UnsizedStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
