using Microsoft.AspNetCore.Http;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GenieHive.Contracts;

namespace GenieHive.Tests.Facade;

public sealed class ChatProxyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RoleRequestReachesTheUpstreamWithThePolicyApplied()
    {
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Json(Upstreams.ChatJson));
        var role = TestTables.Role("mentor", policy: TestTables.Policy("""{"temperature":0.2,"chat_template_kwargs":{"x":1}}""", "You are a patient mentor.", "prepend"));
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [TestTables.Service("svc-a", upstream.Url, ["mistral-7b"])], [role]));
        await using var facade = await FacadeHost.StartAsync(control);

        using var response = await facade.Client.PostAsync("/v1/chat/completions", Requests.JsonBody(
            """{"model":"mentor","messages":[{"role":"user","content":"hi"}],"temperature":0.7,"x_unknown":{"keep":true}}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Upstreams.ChatJson, await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("svc-a", response.Headers.GetValues(GenieHiveHeaders.ServiceId).Single());
        Assert.Equal("role", response.Headers.GetValues(GenieHiveHeaders.RouteType).Single());
        var sent = JsonNode.Parse(Assert.Single(upstream.Requests).Body)!.AsObject();
        Assert.Equal("/v1/chat/completions", upstream.Requests.Single().Path);
        Assert.Equal("mistral-7b", sent["model"]!.GetValue<string>());
        Assert.Equal(0.7, sent["temperature"]!.GetValue<double>());
        Assert.Equal("""{"x":1}""", sent["chat_template_kwargs"]!.ToJsonString());
        Assert.Equal("""{"keep":true}""", sent["x_unknown"]!.ToJsonString());
        Assert.Equal("""[{"role":"system","content":"You are a patient mentor."},{"role":"user","content":"hi"}]""", sent["messages"]!.ToJsonString());
    }

    [Fact]
    public async Task DirectAssetRequestIsForwardedByteForByteExceptTheModel()
    {
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Json(Upstreams.ChatJson));
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [TestTables.Service("svc-a", upstream.Url, ["mistral-7b"])]));
        await using var facade = await FacadeHost.StartAsync(control);
        var body = "{ \"messages\" : [{\"role\":\"user\",\"content\":\"h\u00e9\"}],\n \"model\":\"mistral-7b\", \"n\": 1 }";

        using var response = await facade.Client.PostAsync("/v1/chat/completions", Requests.JsonBody(body), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("direct", response.Headers.GetValues(GenieHiveHeaders.RouteType).Single());
        Assert.Equal(body, upstream.Requests.Single().BodyText);
        Assert.NotNull(upstream.Requests.Single().Headers.GetValueOrDefault(GenieHiveHeaders.RequestId));
    }

    [Fact]
    public async Task EmbeddingsPassThroughUntouched()
    {
        const string answer = """{"object":"list","data":[{"object":"embedding","index":0,"embedding":"AAAAAA=="}],"model":"nomic","usage":{"prompt_tokens":2,"total_tokens":2}}""";
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Json(answer));
        var table = TestTables.Table(1, [TestTables.Service("emb", upstream.Url, ["nomic"], kind: ServiceKinds.Embeddings)], [TestTables.Role("embedder", ServiceKinds.Embeddings)]);
        await using var control = await FakeControl.StartAsync(table);
        await using var facade = await FacadeHost.StartAsync(control);

        using var response = await facade.Client.PostAsync("/v1/embeddings", Requests.JsonBody(
            """{"model":"embedder","input":["a","b"],"encoding_format":"base64","dimensions":256}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(answer, await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("/v1/embeddings", upstream.Requests.Single().Path);
        Assert.Equal("""{"model":"nomic","input":["a","b"],"encoding_format":"base64","dimensions":256}""", upstream.Requests.Single().BodyText);
    }

    [Fact]
    public async Task LegacyCompletionsAreRoutedToTheCompletionsPath()
    {
        const string answer = """{"id":"x","object":"text_completion","choices":[{"text":"ok","index":0}]}""";
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Json(answer));
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [TestTables.Service("svc", upstream.Url, ["llama"])], [TestTables.Role("writer", systemPrompt: "ignored for prompts")]));
        await using var facade = await FacadeHost.StartAsync(control);

        using var response = await facade.Client.PostAsync("/v1/completions", Requests.JsonBody("""{"model":"writer","prompt":"Once"}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(answer, await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("/v1/completions", upstream.Requests.Single().Path);
        Assert.Equal("""{"model":"llama","prompt":"Once"}""", upstream.Requests.Single().BodyText);
    }

    [Fact]
    public async Task ReasoningIsStrippedFromJsonAnswers()
    {
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Json(
            """{"choices":[{"message":{"role":"assistant","content":"hi","reasoning_content":"secret"}}],"reasoning":"x"}"""));
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [TestTables.Service("svc", upstream.Url, ["qwen3-8b"])]));
        await using var facade = await FacadeHost.StartAsync(control);

        using var response = await facade.Client.PostAsync("/v1/chat/completions", Requests.JsonBody("""{"model":"qwen3-8b","messages":[]}"""), Ct);

        Assert.Equal("""{"choices":[{"message":{"role":"assistant","content":"hi"}}]}""", await response.Content.ReadAsStringAsync(Ct));
        // The inferred Qwen3 policy turned thinking off on the way in.
        Assert.Contains("\"enable_thinking\":false", upstream.Requests.Single().BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamIsRelayedEventByEventAsItArrives()
    {
        var clientSawFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string[] events =
        [
            "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n",
            ": keep-alive comment\n\n",
            "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\",\"reasoning_content\":\"hmm\"}}],\"x_field\":1}\n\n",
            Upstreams.Chunk("lo"),
            "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}\n\n",
            "data: [DONE]\n\n",
        ];
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Sse(events, i => i == 2 ? clientSawFirst.Task.WaitAsync(TimeSpan.FromSeconds(10)) : Task.CompletedTask));
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [TestTables.Service("svc", upstream.Url, ["llama"])]));
        await using var facade = await FacadeHost.StartAsync(control);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = Requests.JsonBody("""{"model":"llama","stream":true,"stream_options":{"include_usage":true},"messages":[]}"""),
        };
        using var response = await facade.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
        Assert.Equal("no", response.Headers.GetValues("X-Accel-Buffering").Single());
        using var stream = await response.Content.ReadAsStreamAsync(Ct);
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!received.ToString().Contains("keep-alive comment\n\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
            Assert.NotEqual(0, read);
            received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        // The upstream has not sent the rest yet: what arrived came through as soon as it was written.
        Assert.False(clientSawFirst.Task.IsCompleted);
        clientSawFirst.SetResult();
        received.Append(await new StreamReader(stream).ReadToEndAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct));

        Assert.Equal(
            string.Concat(events).Replace(",\"reasoning_content\":\"hmm\"", "", StringComparison.Ordinal),
            received.ToString());
        Assert.Contains("\"include_usage\":true", upstream.Requests.Single().BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpstreamClientErrorPassesThroughWithStatusAndMessage()
    {
        const string error = """{"error":{"code":400,"message":"the request exceeds the available context size","type":"exceed_context_size_error","n_prompt_tokens":9000,"n_ctx":4096}}""";
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Json(error, status: 400));
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [TestTables.Service("svc", upstream.Url, ["llama"])]));
        await using var facade = await FacadeHost.StartAsync(control);

        using var response = await facade.Client.PostAsync("/v1/chat/completions", Requests.JsonBody("""{"model":"llama","messages":[]}"""), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1, upstream.RequestCount);
    }

    [Fact]
    public async Task UpstreamPlainTextErrorIsWrappedInOpenAiShape()
    {
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Json("model is loading", status: 422, contentType: "text/plain"));
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [TestTables.Service("svc", upstream.Url, ["llama"])]));
        await using var facade = await FacadeHost.StartAsync(control);

        using var response = await facade.Client.PostAsync("/v1/chat/completions", Requests.JsonBody("""{"model":"llama","messages":[]}"""), Ct);

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!;
        Assert.Equal("model is loading", error["message"]!.GetValue<string>());
        Assert.Equal("upstream_error", error["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task RepeatedKeysOnThePolicyPathGet400NotA500()
    {
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Json(Upstreams.ChatJson));
        var role = TestTables.Role("mentor", systemPrompt: "Be brief.");
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [TestTables.Service("svc", upstream.Url, ["llama"])], [role]));
        await using var facade = await FacadeHost.StartAsync(control);

        using var response = await facade.Client.PostAsync("/v1/chat/completions", Requests.JsonBody(
            """{"model":"mentor","messages":[{"role":"user","content":"a","content":"b"}]}"""), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_json", JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(0, upstream.RequestCount);
    }

    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"mentor","messages":[{"role":"user","content":"\ud800"}]}""")]
    [InlineData("/v1/chat/completions", """{"model":"llama","messages":[{"role":"user","content":"\ud800"}]}""")]
    [InlineData("/v1/embeddings", """{"model":"embedder","input":"\udc00"}""")]
    public async Task LoneSurrogateInARequestGets400InvalidJsonOnEveryRoute(string path, string body)
    {
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Json(Upstreams.ChatJson));
        var roles = new[]
        {
            TestTables.Role("mentor", systemPrompt: "Be brief."),
            TestTables.Role("embedder", ServiceKinds.Embeddings, policy: TestTables.Policy("""{"dimensions":8}""")),
        };
        await using var control = await FakeControl.StartAsync(TestTables.Table(1,
            [TestTables.Service("svc", upstream.Url, ["llama"]), TestTables.Service("emb", upstream.Url, ["nomic"], kind: ServiceKinds.Embeddings)], roles));
        await using var facade = await FacadeHost.StartAsync(control);

        using var response = await facade.Client.PostAsync(path, Requests.JsonBody(body), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!;
        Assert.Equal("invalid_json", error["code"]!.GetValue<string>());
        Assert.Contains("unpaired UTF-16 surrogate", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, upstream.RequestCount);
    }

    // The translating endpoints read the body into a DOM, which throws on such a string where it is read or written.
    [Theory]
    [InlineData("/v1/messages", """{"model":"mentor","max_tokens":8,"messages":[{"role":"user","content":"\ud800"}]}""", "invalid_request_error")]
    [InlineData("/v1/messages", """{"model":"llama","max_tokens":8,"system":"\udc00","messages":[{"role":"user","content":"hi"}]}""", "invalid_request_error")]
    [InlineData("/v1/responses", """{"model":"mentor","input":"\ud800"}""", "invalid_json")]
    [InlineData("/v1/responses", """{"model":"llama","input":[{"role":"user","content":"\udc00"}]}""", "invalid_json")]
    public async Task LoneSurrogateInAMessagesOrResponsesRequestGets400InTheProtocolsShape(string path, string body, string expected)
    {
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Json(Upstreams.ChatJson));
        await using var control = await FakeControl.StartAsync(TestTables.Table(1,
            [TestTables.Service("svc", upstream.Url, ["llama"])], [TestTables.Role("mentor", systemPrompt: "Be brief.")]));
        await using var facade = await FacadeHost.StartAsync(control);

        using var response = await facade.Client.PostAsync(path, Requests.JsonBody(body), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!;
        Assert.Equal(expected, (error["code"] ?? error["type"])!.GetValue<string>());
        Assert.Contains("unpaired UTF-16 surrogate", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, upstream.RequestCount);
    }

    // Found reading the edge's code for issue 20: a body Kestrel itself cannot read (chunk framing broken) was refused in
    // OpenAI's shape on every path, /v1/messages included.
    [Theory]
    [InlineData("/v1/messages", "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"The request could not be read.\"}}")]
    [InlineData("/v1/responses", "{\"error\":{\"message\":\"The request could not be read.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}")]
    public async Task ABodyKestrelCannotReadGets400InTheProtocolsShape(string path, string expected)
    {
        await using var upstream = await FakeUpstream.StartAsync(Upstreams.Json(Upstreams.ChatJson));
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [TestTables.Service("svc", upstream.Url, ["llama"])]));
        await using var facade = await FacadeHost.StartAsync(control);
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, new Uri(facade.Url).Port, Ct);
        var stream = client.GetStream();

        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            "POST " + path + " HTTP/1.1\r\nHost: facade\r\nX-Api-Key: " + FacadeHost.Key + "\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\n{\"a\":\r\nzz\r\n\r\n"), Ct);
        var reply = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync(Ct);

        Assert.StartsWith("HTTP/1.1 400 ", reply, StringComparison.Ordinal);
        // OpenAI's errors go out chunked, Anthropic's with a length: the JSON is inside the body either way.
        Assert.Contains(expected, reply[(reply.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..], StringComparison.Ordinal);
        Assert.Equal(0, upstream.RequestCount);
    }

    [Fact]
    public async Task AnUpstreamErrorWhoseMessageIsNotUnicodeTextIsRelayedAsText()
    {
        await using var upstream = await FakeUpstream.StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = 400;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"error":"bad \ud800 input"}""");
        });
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, [TestTables.Service("svc", upstream.Url, ["llama"])]));
        await using var facade = await FacadeHost.StartAsync(control);

        using var response = await facade.Client.PostAsync("/v1/chat/completions", Requests.JsonBody("""{"model":"llama","messages":[]}"""), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("bad \\ud800 input", JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
