using System.Net;
using System.Text.Json.Nodes;
using GenieHive.Contracts;

namespace GenieHive.Tests.Facade;

public sealed class ModelsAndClusterTests : IAsyncLifetime
{
    private FakeControl _control = null!;
    private FacadeHost _facade = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var table = TestTables.Table(3,
            [TestTables.Service("svc-a", "http://127.0.0.1:1", ["llama-3-8b"], p50: 120)],
            [TestTables.Role("mentor", description: "Guides."), TestTables.Role("lonely-embedder", ServiceKinds.Embeddings)]);
        _control = await FakeControl.StartAsync(table);
        _facade = await FacadeHost.StartAsync(_control);
    }

    public async ValueTask DisposeAsync()
    {
        await _facade.DisposeAsync();
        await _control.DisposeAsync();
    }

    [Fact]
    public async Task ModelListShowsEveryRoleAlsoOneWithoutTargets()
    {
        var list = JsonNode.Parse(await _facade.Client.GetStringAsync("/v1/models", Ct))!;

        Assert.Equal("list", list["object"]!.GetValue<string>());
        var byId = list["data"]!.AsArray().ToDictionary(e => e!["id"]!.GetValue<string>());
        Assert.Contains("llama-3-8b", byId.Keys);
        Assert.Contains("svc-a", byId.Keys);
        var mentor = byId["mentor"]!;
        Assert.Equal("model", mentor["object"]!.GetValue<string>());
        Assert.True(mentor["created"]!.GetValue<long>() > 0);
        Assert.Equal("geniehive-role", mentor["owned_by"]!.GetValue<string>());
        Assert.Equal("role", mentor["geniehive"]!["route_type"]!.GetValue<string>());
        Assert.Equal("Guides.", mentor["geniehive"]!["description"]!.GetValue<string>());
        Assert.Equal(1, mentor["geniehive"]!["eligible_target_count"]!.GetValue<int>());
        var lonely = byId["lonely-embedder"]!["geniehive"]!;
        Assert.Equal("embeddings", lonely["kind"]!.GetValue<string>());
        Assert.Equal("unavailable", lonely["health"]!.GetValue<string>());
        Assert.Equal(0, lonely["eligible_target_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task OneModelOrNotFound()
    {
        var asset = JsonNode.Parse(await _facade.Client.GetStringAsync("/v1/models/llama-3-8b", Ct))!;
        using var missing = await _facade.Client.GetAsync("/v1/models/nope", Ct);

        Assert.Equal("asset", asset["geniehive"]!["route_type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("model_not_found", JsonNode.Parse(await missing.Content.ReadAsStringAsync(Ct))!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task ClusterEndpointsAreRelayedWithTheFacadeKey()
    {
        var hosts = JsonNode.Parse(await _facade.Client.GetStringAsync("/v1/cluster/hosts", Ct))!;
        var health = JsonNode.Parse(await _facade.Client.GetStringAsync("/v1/cluster/health", Ct))!;
        using var resolve = await _facade.Client.GetAsync("/v1/cluster/routes/resolve?model=ghost", Ct);
        using var match = await _facade.Client.PostAsync("/v1/cluster/routes/match", Requests.JsonBody("""{"task":"summarize logs","kind":"chat"}"""), Ct);
        using var badMatch = await _facade.Client.PostAsync("/v1/cluster/routes/match", Requests.JsonBody("""{"task":"""), Ct);

        Assert.Equal("list", hosts["object"]!.GetValue<string>());
        Assert.Equal("h1", hosts["data"]![0]!["host_id"]!.GetValue<string>());
        Assert.Equal(3, health["routing_version"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.NotFound, resolve.StatusCode);
        Assert.Equal("""{"error":"no_route","model":"ghost"}""", await resolve.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.OK, match.StatusCode);
        Assert.Equal("summarize logs", JsonNode.Parse(await match.Content.ReadAsStringAsync(Ct))!["tasks"]![0]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, badMatch.StatusCode);
        Assert.Contains(FacadeHost.Key, _control.ApiKeysSeen);
    }

    [Fact]
    public async Task ControlUnreachableGives502()
    {
        await _control.StopAsync();

        using var response = await _facade.Client.GetAsync("/v1/cluster/hosts", Ct);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("control_unreachable", JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!["code"]!.GetValue<string>());
    }
}
