using System.Net;
using System.Text.Json.Nodes;
using GenieHive.Contracts;

namespace GenieHive.Tests.Facade;

/// <summary>Auth and the facade's own errors, all in OpenAI's shape, against one running facade.</summary>
public sealed class ErrorShapeTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;
    private FakeControl _control = null!;
    private FacadeHost _facade = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync(Upstreams.Json(Upstreams.ChatJson));
        var table = TestTables.Table(1,
            [TestTables.Service("svc", _upstream.Url, ["llama"]), TestTables.Service("sick", _upstream.Url, ["sick-model"], health: HealthStates.Unhealthy)],
            [TestTables.Role("mentor"), TestTables.Role("lonely-embedder", ServiceKinds.Embeddings)]);
        _control = await FakeControl.StartAsync(table);
        _facade = await FacadeHost.StartAsync(_control, new Dictionary<string, string?> { ["GenieHive:Limits:MaxRequestBodyBytes"] = "2048" });
    }

    public async ValueTask DisposeAsync()
    {
        await _facade.DisposeAsync();
        await _control.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonNode Error, HttpResponseMessage Response)> SendAsync(HttpRequestMessage request)
    {
        var response = await _facade.Client.SendAsync(request, Ct);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal(["error"], body.AsObject().Select(p => p.Key));
        var error = body["error"]!;
        Assert.Equal(["message", "type", "param", "code"], error.AsObject().Select(p => p.Key));
        return (response.StatusCode, error, response);
    }

    private static HttpRequestMessage Post(string path, string json, string mediaType = "application/json") =>
        new(HttpMethod.Post, path) { Content = Requests.JsonBody(json, mediaType) };

    [Fact]
    public async Task MissingKeyGets401InOpenAiShape()
    {
        using var request = Post("/v1/chat/completions", """{"model":"llama","messages":[]}""");
        request.Headers.Add("X-Api-Key", "wrong");
        using var client = new HttpClient { BaseAddress = new Uri(_facade.Url) };

        using var response = await client.SendAsync(request, Ct);
        using var noKey = await client.GetAsync("/v1/models", Ct);
        using var cluster = await client.GetAsync("/v1/cluster/hosts", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            """{"error":{"message":"Invalid API key.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""",
            await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, cluster.StatusCode);
        Assert.Equal(0, _upstream.RequestCount);
    }

    [Fact]
    public async Task BearerAndApiKeyHeadersBothWork()
    {
        using var client = new HttpClient { BaseAddress = new Uri(_facade.Url) };
        using var bearer = Post("/v1/chat/completions", """{"model":"llama","messages":[]}""");
        bearer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", FacadeHost.Key);
        using var apiKey = Post("/v1/chat/completions", """{"model":"llama","messages":[]}""");
        apiKey.Headers.Add("X-Api-Key", FacadeHost.Key);

        using var first = await client.SendAsync(bearer, Ct);
        using var second = await client.SendAsync(apiKey, Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
    }

    [Fact]
    public async Task HealthAndAliveStayAnonymous()
    {
        using var client = new HttpClient { BaseAddress = new Uri(_facade.Url) };

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive", Ct)).StatusCode);
    }

    [Theory]
    [InlineData("{\"model\":\"llama\",\"messages\":[", "invalid_json", null)]
    [InlineData("[]", "invalid_json", null)]
    [InlineData("{\"messages\":[]}", "missing_required_parameter", "model")]
    [InlineData("{\"model\":7,\"messages\":[]}", "invalid_type", "model")]
    [InlineData("{\"model\":\"llama\"}", "missing_required_parameter", "messages")]
    [InlineData("{\"model\":\"llama\",\"messages\":\"hi\"}", "invalid_type", "messages")]
    public async Task MalformedChatBodiesGet400(string json, string code, string? param)
    {
        var (status, error, _) = await SendAsync(Post("/v1/chat/completions", json));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.Equal(param, error["param"]?.GetValue<string>());
    }

    [Fact]
    public async Task MissingInputAndPromptGet400()
    {
        var (embeddings, embeddingsError, _) = await SendAsync(Post("/v1/embeddings", """{"model":"x"}"""));
        var (completions, completionsError, _) = await SendAsync(Post("/v1/completions", """{"model":"x"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, embeddings);
        Assert.Equal("Missing 'input' in request body.", embeddingsError["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, completions);
        Assert.Equal("Missing 'prompt' in request body.", completionsError["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/v1/embeddings", """{"model":"llama","input":42}""", "input")]
    [InlineData("/v1/embeddings", """{"model":"llama","input":{"text":"hi"}}""", "input")]
    [InlineData("/v1/completions", """{"model":"llama","prompt":true}""", "prompt")]
    [InlineData("/v1/chat/completions", """{"model":"llama","messages":"hi"}""", "messages")]
    public async Task WronglyTypedTextFieldsGet400WithoutReachingTheEngine(string path, string json, string field)
    {
        var before = _upstream.Requests.Count;

        var (status, error, _) = await SendAsync(Post(path, json));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_type", error["code"]!.GetValue<string>());
        Assert.Equal(field, error["param"]!.GetValue<string>());
        Assert.Equal(before, _upstream.Requests.Count);
    }

    [Fact]
    public async Task UnknownModelGets404WithTheExactMessage()
    {
        var (status, error, _) = await SendAsync(Post("/v1/chat/completions", """{"model":"nobody","messages":[]}"""));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Unknown model or role 'nobody'.", error["message"]!.GetValue<string>());
        Assert.Equal("model_not_found", error["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task KnownRoleWithoutHealthyTargetGets503()
    {
        var (status, error, response) = await SendAsync(Post("/v1/embeddings", """{"model":"lonely-embedder","input":"x"}"""));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("No healthy embeddings target available for 'lonely-embedder'.", error["message"]!.GetValue<string>());
        Assert.Equal("no_healthy_target", error["code"]!.GetValue<string>());
        Assert.False(response.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task OversizedBodyGets413BeforeAndWhileReading()
    {
        var big = "{\"model\":\"llama\",\"messages\":[],\"pad\":\"" + new string('x', 4096) + "\"}";
        var (declared, declaredError, _) = await SendAsync(Post("/v1/chat/completions", big));

        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StreamContent(new NonSeekableStream(System.Text.Encoding.UTF8.GetBytes(big))),
        };
        chunked.Content.Headers.ContentType = new("application/json");
        var (streamed, _, _) = await SendAsync(chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared);
        Assert.Equal("request_too_large", declaredError["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed);
        Assert.Equal(0, _upstream.RequestCount);
    }

    [Fact]
    public async Task WrongContentTypeGets415()
    {
        var (status, error, _) = await SendAsync(Post("/v1/chat/completions", """{"model":"llama","messages":[]}""", "text/plain"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("unsupported_media_type", error["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task RequestIdIsEchoedOrGenerated()
    {
        using var echoed = Post("/v1/chat/completions", """{"model":"llama","messages":[]}""");
        echoed.Headers.Add(GenieHiveHeaders.RequestId, "client-id-123");
        using var first = await _facade.Client.SendAsync(echoed, Ct);
        using var second = await _facade.Client.SendAsync(Post("/v1/chat/completions", """{"model":"nobody","messages":[]}"""), Ct);
        using var anonymous = await new HttpClient().GetAsync(_facade.Url + "/v1/models", Ct);

        Assert.Equal("client-id-123", first.Headers.GetValues(GenieHiveHeaders.RequestId).Single());
        Assert.Equal("client-id-123", _upstream.Requests.Last().Headers[GenieHiveHeaders.RequestId]);
        Assert.Matches("^req_[0-9a-f]{32}$", second.Headers.GetValues(GenieHiveHeaders.RequestId).Single());
        Assert.Matches("^req_[0-9a-f]{32}$", anonymous.Headers.GetValues(GenieHiveHeaders.RequestId).Single());
    }

    [Fact]
    public async Task UnknownEndpointGets404InOpenAiShape()
    {
        var (status, error, _) = await SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/images/generations") { Content = Requests.JsonBody("{}") });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("unknown_url", error["code"]!.GetValue<string>());
    }

    /// <summary>Hides the length so the client sends the body chunked.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
