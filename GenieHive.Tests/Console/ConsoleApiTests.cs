using System.Net;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Facade;
using GenieHive.Routing;
using GenieHive.Routing.Scoring;
using GenieHive.Tests.Control;
using GenieHive.Tests.Facade;
using GenieHive.Tests.ServiceDefaults;

namespace GenieHive.Tests.Console;

/// <summary>The console's page and files on the facade, and its facade-only reads (recent requests, scoring).</summary>
public sealed class ConsoleApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A role over two services; the first ranks higher (lower latency) and answers as the test says.</summary>
    private static async Task<(FakeControl Control, FacadeHost Facade)> StartAsync(string role, string firstUrl, string secondUrl)
    {
        var table = TestTables.Table(1,
            [
                TestTables.Service(role + "-first", firstUrl, ["llama"], p50: 100),
                TestTables.Service(role + "-second", secondUrl, ["llama"], host: "h2", p50: 9000),
            ],
            [TestTables.Role(role)]);
        var control = await FakeControl.StartAsync(table);
        return (control, await FacadeHost.StartAsync(control));
    }

    private static StringContent Chat(string model, bool stream = false) =>
        Requests.JsonBody("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":" + (stream ? "true" : "false") + "}");

    [Theory]
    [InlineData("/console")]
    [InlineData("/console/")]
    [InlineData("/console/hosts")]
    [InlineData("/console/routes?model=mentor&kind=chat")]
    [InlineData("/console/benchmarks?run=run_123")]
    public async Task EveryConsoleUrlIsThePageServedWithoutAKeyAndOnlyFromItsOwnOrigin(string path)
    {
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, []));
        await using var facade = await FacadeHost.StartAsync(control);
        using var anonymous = new HttpClient { BaseAddress = new Uri(facade.Url) };

        using var response = await anonymous.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("<script type=\"module\" src=\"/console/assets/app.js\"></script>", page, StringComparison.Ordinal);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task ConsoleFilesAreServedWithTheirTypeAndRevalidatedByETag()
    {
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, []));
        await using var facade = await FacadeHost.StartAsync(control);
        using var anonymous = new HttpClient { BaseAddress = new Uri(facade.Url) };

        using var script = await anonymous.GetAsync("/console/assets/app.js", Ct);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", script.Headers.CacheControl?.ToString());
        var etag = script.Headers.ETag;
        Assert.NotNull(etag);

        using var style = await anonymous.GetAsync("/console/assets/console.css", Ct);
        Assert.Equal("text/css", style.Content.Headers.ContentType?.MediaType);

        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/console/assets/app.js");
        revalidate.Headers.IfNoneMatch.Add(etag);
        using var unchanged = await anonymous.SendAsync(revalidate, Ct);
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);

        using var missing = await anonymous.GetAsync("/console/assets/nothing.js", Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("No console file named 'nothing.js'.", await missing.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("/v1/console/requests")]
    [InlineData("/v1/console/scoring")]
    public async Task TheConsoleReadsNeedTheClientKey(string path)
    {
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, []));
        await using var facade = await FacadeHost.StartAsync(control);
        using var wrongKey = new HttpClient { BaseAddress = new Uri(facade.Url) };
        wrongKey.DefaultRequestHeaders.Add(GenieHiveHeaders.ApiKey, "not-the-key");

        using var response = await wrongKey.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!;
        Assert.Equal("invalid_api_key", error["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task RecentRequestsShowEachRoutingDecisionWithItsAttemptsAndTimeToFirstToken()
    {
        await using var first = await FakeUpstream.StartAsync(Upstreams.Json("""{"error":{"message":"boom","type":"server_error"}}""", status: 500));
        var sse = Upstreams.Sse([Upstreams.Chunk("ok"), "data: [DONE]\n\n"]);
        var json = Upstreams.Json(Upstreams.ChatJson);
        await using var second = await FakeUpstream.StartAsync((context, request) =>
            request.BodyText.Contains("\"stream\":true", StringComparison.Ordinal) ? sse(context, request) : json(context, request));
        var (control, facade) = await StartAsync("recent", first.Url, second.Url);
        await using var _ = control;
        await using var __ = facade;

        using var failedOver = await facade.Client.PostAsync("/v1/chat/completions", Chat("recent", stream: true), Ct);
        Assert.Equal(HttpStatusCode.OK, failedOver.StatusCode);
        await failedOver.Content.ReadAsStringAsync(Ct);
        using var direct = await facade.Client.PostAsync("/v1/chat/completions", Chat("llama"), Ct);
        await direct.Content.ReadAsStringAsync(Ct);

        var list = JsonNode.Parse(await facade.Client.GetStringAsync("/v1/console/requests", Ct))!;
        Assert.Equal(2, list["recorded"]!.GetValue<long>());
        var newest = list["data"]![0]!;
        var oldest = list["data"]![1]!;

        Assert.Equal(2, newest["id"]!.GetValue<long>());
        Assert.Equal("llama", newest["model"]!.GetValue<string>());
        Assert.Equal("direct", newest["route_type"]!.GetValue<string>());
        Assert.Null(newest["ttft_ms"]);

        Assert.Equal(failedOver.Headers.GetValues(GenieHiveHeaders.RequestId).Single(), oldest["request_id"]!.GetValue<string>());
        Assert.Equal("chat", oldest["kind"]!.GetValue<string>());
        Assert.Equal("recent", oldest["model"]!.GetValue<string>());
        Assert.Equal("role", oldest["route_type"]!.GetValue<string>());
        Assert.Equal("recent", oldest["role"]!.GetValue<string>());
        Assert.Equal("scored", oldest["strategy"]!.GetValue<string>());
        Assert.Equal("recent-first", oldest["first_choice"]!.GetValue<string>());
        Assert.Equal("recent-second", oldest["service_id"]!.GetValue<string>());
        Assert.Equal(2, oldest["candidates"]!.GetValue<int>());
        Assert.Equal(2, oldest["attempts"]!.GetValue<int>());
        Assert.Equal(200, oldest["status"]!.GetValue<int>());
        Assert.True(oldest["ttft_ms"]!.GetValue<double>() > 0);
        Assert.True(oldest["duration_ms"]!.GetValue<double>() >= oldest["ttft_ms"]!.GetValue<double>());

        var after = JsonNode.Parse(await facade.Client.GetStringAsync("/v1/console/requests?after=1&limit=5", Ct))!;
        Assert.Equal([2L], after["data"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()));
    }

    [Theory]
    [InlineData("after=-1", "after")]
    [InlineData("after=abc", "after")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=257", "limit")]
    [InlineData("limit=1.5", "limit")]
    public async Task BadReadsOfRecentRequestsAreRefusedNamingTheParameter(string query, string param)
    {
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, []));
        await using var facade = await FacadeHost.StartAsync(control);

        using var response = await facade.Client.GetAsync("/v1/console/requests?" + query, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!;
        Assert.Equal(param, error["param"]!.GetValue<string>());
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task ScoringGivesTheWeightsAndToleranceRoutingUses()
    {
        await using var control = await FakeControl.StartAsync(TestTables.Table(1, []));
        await using var facade = await FacadeHost.StartAsync(control);

        var scoring = JsonNode.Parse(await facade.Client.GetStringAsync("/v1/console/scoring", Ct))!;

        Assert.Equal(CandidateScorer.ServiceTextWeight, scoring["service"]!["text"]!.GetValue<double>());
        Assert.Equal(CandidateScorer.ServiceRuntimeWeight, scoring["service"]!["runtime"]!.GetValue<double>());
        Assert.Equal(CandidateScorer.ServiceBenchmarkWeight, scoring["service"]!["benchmark"]!.GetValue<double>());
        Assert.Null(scoring["service"]!["family"]);
        Assert.Equal(CandidateScorer.RoleTextWeight, scoring["role"]!["text"]!.GetValue<double>());
        Assert.Equal(CandidateScorer.RoleRuntimeWeight, scoring["role"]!["runtime"]!.GetValue<double>());
        Assert.Equal(CandidateScorer.RoleBenchmarkWeight, scoring["role"]!["benchmark"]!.GetValue<double>());
        Assert.Equal(CandidateScorer.RoleFamilyWeight, scoring["role"]!["family"]!.GetValue<double>());
        Assert.Equal(RouteSelector.DefaultScoreTolerance, scoring["score_tolerance"]!.GetValue<double>());
    }

    [Fact]
    public async Task AClientRequestsSpanCarriesTheRouteDecision()
    {
        using var spans = new SpanRecorder();
        await using var first = await FakeUpstream.StartAsync(Upstreams.Json("""{"error":{"message":"boom","type":"server_error"}}""", status: 500));
        await using var second = await FakeUpstream.StartAsync(Upstreams.Json(Upstreams.ChatJson));
        var (control, facade) = await StartAsync("traced", first.Url, second.Url);
        await using var _ = control;
        await using var __ = facade;

        using var response = await facade.Client.PostAsync("/v1/chat/completions", Chat("traced"), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Other tests' facades share the process and its listeners: this request is the one naming this role. Its span
        // ends just after the response, so the client may see the answer first.
        var span = (await ControlTestData.EventuallyAsync(
            () => Task.FromResult(spans.Spans("proxy chat", FacadeTelemetry.ModelTag, "traced")), found => found.Count > 0)).Single();
        Assert.Equal("role", span.GetTagItem(FacadeTelemetry.RouteTypeTag));
        Assert.Equal("traced", span.GetTagItem(FacadeTelemetry.RoleTag));
        Assert.Equal("scored", span.GetTagItem(FacadeTelemetry.StrategyTag));
        Assert.Equal(2, span.GetTagItem(FacadeTelemetry.CandidatesTag));
        Assert.Equal("traced-first", span.GetTagItem(FacadeTelemetry.FirstChoiceTag));
        Assert.Equal("traced-second", span.GetTagItem(FacadeTelemetry.ServiceIdTag));
        Assert.Equal(2, span.GetTagItem(FacadeTelemetry.AttemptsTag));
    }
}
