using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using static GenieHive.Tests.Control.ControlTestData;

namespace GenieHive.Tests.Control;

/// <summary>Resolve and match answer from real registrations, through the routing brain.</summary>
public sealed class RouteExplanationTests(ControlFixture control) : IClassFixture<ControlFixture>
{
    private readonly HttpClient _client = control.Client;

    [Fact]
    public async Task ARoleResolvesToTheBestEligibleServiceAndExplainsTheRest()
    {
        await _client.RegisterOkAsync(Host("explain-fast", Service("explain-fast-chat", asset: "qwen3-8b-q4km", p50: 300, tokensPerSec: 60)));
        await _client.RegisterOkAsync(Host("explain-small", Service("explain-small-chat", asset: "qwen3-0.6b", contextSize: 2048)));

        var body = await _client.GetFromJsonAsync("/v1/cluster/routes/resolve?model=mentor&kind=chat", Json.ResolveResponse, TestContext.Current.CancellationToken);

        Assert.Equal("ok", body!.Status);
        var resolution = body.Resolution;
        Assert.Equal("role", resolution.MatchType);
        Assert.Equal("mentor", resolution.Role!.RoleId);
        Assert.Equal("explain-fast-chat", resolution.Service!.ServiceId);
        Assert.Contains(resolution.Candidates, c => c.ServiceId == "explain-fast-chat" && c.Score > 0);
        Assert.Contains(resolution.Excluded, e => e.ServiceId == "explain-small-chat");
    }

    [Fact]
    public async Task AnAssetNameResolvesDirectly()
    {
        await _client.RegisterOkAsync(Host("direct-host", Service("direct-chat", asset: "mistral-7b-direct")));

        var body = await _client.GetFromJsonAsync<JsonObject>("/v1/cluster/routes/resolve?model=mistral-7b-direct", TestContext.Current.CancellationToken);

        Assert.Equal("direct", body!["resolution"]!["match_type"]!.GetValue<string>());
        Assert.Equal("direct-chat", body["resolution"]!["service"]!["service_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ResolveShowsEachCandidatesPredictedDelayAndTheAffinityDecision()
    {
        await _client.RegisterOkAsync(Host("predict-a", Service("predict-a-chat", asset: "predict-model", p50: 300, tokensPerSec: 40)));
        await _client.RegisterOkAsync(Host("predict-b", Service("predict-b-chat", asset: "predict-model", p50: 300, tokensPerSec: 40)));

        var body = await _client.GetFromJsonAsync<JsonObject>(
            "/v1/cluster/routes/resolve?model=predict-model&kind=chat&prefix_hash=00c0ffee00c0ffee&prefix_tokens=1000&prompt_tokens=1200",
            TestContext.Current.CancellationToken);

        var resolution = body!["resolution"]!;
        var decision = resolution["decision"]!;
        var chosen = resolution["service"]!["service_id"]!.GetValue<string>();
        Assert.Equal("direct;affinity=hit", decision["route"]!.GetValue<string>());
        Assert.Equal("affinity=hit", decision["affinity"]!.GetValue<string>());
        Assert.Equal(chosen, decision["affinity_service_id"]!.GetValue<string>());
        Assert.Equal("00c0ffee00c0ffee", decision["prefix_hash"]!.GetValue<string>());
        foreach (var candidate in resolution["candidates"]!.AsArray())
        {
            var predicted = candidate!["predicted"]!;
            var parts = new[] { "queue_ms", "prefill_ms", "ttft_ms", "cold_load_ms", "decode_ms" }.Sum(p => predicted[p]!.GetValue<double>());
            Assert.Equal(predicted["total_ms"]!.GetValue<double>(), parts, 0.5);
            Assert.True(predicted["in_band"]!.GetValue<bool>());

            // The holder prefills only the 200 tokens after the opening; the other would recompute all 1,200.
            var prefill = predicted["prefill_ms"]!.GetValue<double>();
            Assert.True(candidate["service_id"]!.GetValue<string>() == chosen ? prefill < 1000 : prefill > 3000, "prefill " + prefill);
        }
    }

    [Theory]
    [InlineData("prefix_hash=xyz", "prefix_hash")]
    [InlineData("prefix_hash=0", "prefix_hash")]
    [InlineData("prefix_hash=ff&prefix_tokens=-1", "prefix_tokens")]
    [InlineData("prefix_hash=ff&prompt_tokens=99999999999", "prompt_tokens")]
    public async Task ABadConversationShapeIsA400NamingTheParameter(string query, string parameter)
    {
        await _client.RegisterOkAsync(Host("shape-host", Service("shape-chat", asset: "shape-model")));

        using var response = await _client.GetAsync("/v1/cluster/routes/resolve?model=shape-model&" + query, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(parameter, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownNameIs404NoRoute()
    {
        using var response = await _client.GetAsync("/v1/cluster/routes/resolve?model=no-such-model&kind=chat", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("no_route", body["error"]!.GetValue<string>());
        Assert.Equal("no-such-model", body["model"]!.GetValue<string>());
        Assert.Equal("chat", body["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task MatchScoresRolesAndServicesForATask()
    {
        await _client.RegisterOkAsync(Host("match-host", Service("match-embed", ServiceKinds.Embeddings, "bge-small-en")));

        using var response = await _client.PostAsJsonAsync("/v1/cluster/routes/match",
            new RouteMatchRequest { Task = "embeddings for search and similarity", Kind = ServiceKinds.Embeddings, Limit = 5 },
            Json.RouteMatchRequest, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var match = (await response.Content.ReadFromJsonAsync(Json.RouteMatchResponse, TestContext.Current.CancellationToken))!;
        Assert.Equal("ok", match.Status);
        Assert.Equal(1, match.TaskCount);
        Assert.NotEmpty(match.Candidates);
        Assert.True(match.Candidates.Count <= 5);
        Assert.All(match.Candidates, c => Assert.Equal(ServiceKinds.Embeddings, c.Operation));
        var embedder = Assert.Single(match.Candidates, c => c.CandidateType == "role" && c.CandidateId == "embedder");
        Assert.True(embedder.Signals.TextOverlap > 0);
        Assert.NotNull(embedder.Signals.FamilyMatch);
        Assert.Contains(match.Candidates, c => c.CandidateType == "service" && c.CandidateId == "match-embed");
    }

    [Fact]
    public async Task AMinimalMatchRequestUsesTheDefaults()
    {
        using var response = await _client.PostAsync("/v1/cluster/routes/match", JsonContent("""{"task":"summarize a long report"}"""), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.True(body["candidates"]!.AsArray().Count <= 10);
    }

    [Theory]
    [InlineData("""{"task":"x","kind":"painting"}""", "kind")]
    [InlineData("""{"task":"x","limit":0}""", "limit")]
    [InlineData("""{"task":"x","limit":101}""", "limit")]
    public async Task AnInvalidMatchRequestIs400(string json, string field)
    {
        using var response = await _client.PostAsync("/v1/cluster/routes/match", JsonContent(json), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await response.JsonAsync())["field"]!.GetValue<string>());
    }
}
