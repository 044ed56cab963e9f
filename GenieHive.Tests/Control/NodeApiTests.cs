using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using static GenieHive.Tests.Control.ControlTestData;

namespace GenieHive.Tests.Control;

public sealed class NodeApiTests(ControlFixture control) : IClassFixture<ControlFixture>
{
    private readonly HttpClient _client = control.Client;

    [Fact]
    public async Task RegisterAnswersOkWithTheHostInSnakeCase()
    {
        using var response = await _client.RegisterAsync(Host("shape-host", Service("shape-chat")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("ok", body["status"]!.GetValue<string>());
        var host = body["host"]!.AsObject();
        Assert.Equal("shape-host", host["host_id"]!.GetValue<string>());
        Assert.Equal("Host shape-host", host["display_name"]!.GetValue<string>());
        Assert.Equal("a", host["labels"]!["rack"]!.GetValue<string>());
        Assert.Equal("online", host["status"]!["state"]!.GetValue<string>());
        Assert.False(host["status"]!["stale"]!.GetValue<bool>());
        Assert.True(host["status"]!["last_seen"]!.GetValue<double>() > 1_700_000_000);
        Assert.Equal(1, host["service_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task HostsServicesAndHealthListTheRegistration()
    {
        await _client.RegisterOkAsync(Host("list-host", Service("list-chat"), Service("list-embed", ServiceKinds.Embeddings, "bge-small-en")));

        var hosts = await _client.GetFromJsonAsync<JsonObject>("/v1/cluster/hosts", TestContext.Current.CancellationToken);
        var services = await _client.GetFromJsonAsync<JsonObject>("/v1/cluster/services", TestContext.Current.CancellationToken);
        var health = await _client.GetFromJsonAsync<JsonObject>("/v1/cluster/health", TestContext.Current.CancellationToken);

        Assert.Equal("list", hosts!["object"]!.GetValue<string>());
        Assert.Contains(hosts["data"]!.AsArray(), host => host!["host_id"]!.GetValue<string>() == "list-host");
        Assert.Equal("list", services!["object"]!.GetValue<string>());
        var mine = services["data"]!.AsArray().Where(s => s!["host_id"]!.GetValue<string>() == "list-host").ToList();
        Assert.Equal(["list-chat", "list-embed"], mine.Select(s => s!["service_id"]!.GetValue<string>()));
        var chat = mine[0]!.AsObject();
        Assert.Equal("chat", chat["kind"]!.GetValue<string>());
        Assert.Equal("openai", chat["protocol"]!.GetValue<string>());
        Assert.Equal("qwen3-8b-q4km", chat["assets"]![0]!["asset_id"]!.GetValue<string>());
        Assert.True(chat["assets"]![0]!["loaded"]!.GetValue<bool>());
        Assert.Equal("healthy", chat["state"]!["health"]!.GetValue<string>());
        Assert.Equal(900, chat["observed"]!["p50_latency_ms"]!.GetValue<double>());
        Assert.False(chat["host_stale"]!.GetValue<bool>());
        Assert.True(chat["routable"]!.GetValue<bool>());
        Assert.Null(chat["measured"]);
        Assert.Null(chat["cooldown"]);
        foreach (var key in new[] { "host_count", "online_host_count", "stale_host_count", "service_count", "healthy_service_count", "routable_service_count", "cooling_down_service_count", "role_count", "routing_version" })
        {
            Assert.True(health!.ContainsKey(key), key);
        }

        Assert.Equal("ok", health!["status"]!.GetValue<string>());
        Assert.True(health["online_host_count"]!.GetValue<int>() >= 1);
        Assert.Empty(health["stale_hosts"]!.AsArray());
    }

    [Fact]
    public async Task ListsAreSortedByHostThenService()
    {
        await _client.RegisterOkAsync(Host("sort-b", Service("sort-b-2"), Service("sort-b-1")));
        await _client.RegisterOkAsync(Host("sort-a", Service("sort-a-1")));

        var hosts = (await _client.HostsAsync()).Select(h => h.HostId).Where(id => id.StartsWith("sort-", StringComparison.Ordinal));
        var services = (await _client.ServicesAsync()).Select(s => s.ServiceId).Where(id => id.StartsWith("sort-", StringComparison.Ordinal));

        Assert.Equal(["sort-a", "sort-b"], hosts);
        Assert.Equal(["sort-a-1", "sort-b-1", "sort-b-2"], services);
    }

    [Fact]
    public async Task RegisterReplacesAllServicesOfTheHost()
    {
        await _client.RegisterOkAsync(Host("replace-host", Service("replace-old-1"), Service("replace-old-2")));
        await _client.RegisterOkAsync(Host("replace-host", Service("replace-new")));

        var mine = (await _client.ServicesAsync()).Where(s => s.HostId == "replace-host").Select(s => s.ServiceId);
        Assert.Equal(["replace-new"], mine);
        Assert.Equal(1, (await _client.HostsAsync()).Single(h => h.HostId == "replace-host").ServiceCount);
    }

    [Fact]
    public async Task HeartbeatForAnUnknownHostAnswers404WithErrorAndHostId()
    {
        using var response = await _client.HeartbeatAsync(Heartbeat("never-registered"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var body = await response.JsonAsync();
        Assert.Equal("unknown_host", body["error"]!.GetValue<string>());
        Assert.Equal("never-registered", body["host_id"]!.GetValue<string>());
        Assert.Equal(404, body["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task HeartbeatWithServicesReplacesThemAndWithoutServicesKeepsThem()
    {
        await _client.RegisterOkAsync(Host("hb-host", Service("hb-chat"), Service("hb-other")));

        using (var withServices = await _client.HeartbeatAsync(Heartbeat("hb-host", Service("hb-chat", health: HealthStates.Unhealthy, queueDepth: 3))))
        {
            Assert.Equal(HttpStatusCode.OK, withServices.StatusCode);
            var ack = await withServices.JsonAsync();
            Assert.Equal("ok", ack["status"]!.GetValue<string>());
            Assert.Equal("hb-host", ack["host"]!["host_id"]!.GetValue<string>());
        }

        var afterReplace = (await _client.ServicesAsync()).Where(s => s.HostId == "hb-host").ToList();
        Assert.Equal("hb-chat", Assert.Single(afterReplace).ServiceId);
        Assert.Equal(HealthStates.Unhealthy, afterReplace[0].State!.Health);
        Assert.Equal(3, afterReplace[0].Observed!.QueueDepth);
        Assert.False(afterReplace[0].Routable);

        using (var withoutServices = await _client.HeartbeatAsync(Heartbeat("hb-host")))
        {
            Assert.Equal(HttpStatusCode.OK, withoutServices.StatusCode);
        }

        var afterKeep = (await _client.ServicesAsync()).Where(s => s.HostId == "hb-host").ToList();
        Assert.Equal("hb-chat", Assert.Single(afterKeep).ServiceId);
        Assert.Equal(HealthStates.Unhealthy, afterKeep[0].State!.Health);
    }

    [Fact]
    public async Task HeartbeatReplacesMetricsAndStampsControlsClock()
    {
        await _client.RegisterOkAsync(Host("metrics-host", Service("metrics-chat")));
        var heartbeat = Heartbeat("metrics-host") with
        {
            Status = new Contracts.Nodes.HeartbeatStatus { State = "online", LastSeen = 12.5 },
            Metrics = new JsonObject { ["healthy_service_count"] = 1 },
        };

        using var response = await _client.HeartbeatAsync(heartbeat);

        var host = (await response.JsonAsync())["host"]!;
        Assert.Equal(1, host["metrics"]!["healthy_service_count"]!.GetValue<int>());
        Assert.True(host["status"]!["last_seen"]!.GetValue<double>() > 1_700_000_000);
    }

    [Fact]
    public async Task AServiceIdOwnedByAnotherLiveHostIsAConflict()
    {
        await _client.RegisterOkAsync(Host("owner-host", Service("contested-chat")));

        using var register = await _client.RegisterAsync(Host("intruder-host", Service("contested-chat")));
        await _client.RegisterOkAsync(Host("intruder-2", Service("intruder-2-chat")));
        using var heartbeat = await _client.HeartbeatAsync(Heartbeat("intruder-2", Service("contested-chat")));

        foreach (var response in new[] { register, heartbeat })
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            var body = await response.JsonAsync();
            Assert.Equal("contested-chat", body["service_id"]!.GetValue<string>());
            Assert.Equal("owner-host", body["owner_host_id"]!.GetValue<string>());
            Assert.Contains("owner-host", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        var owner = (await _client.ServicesAsync()).Single(s => s.ServiceId == "contested-chat");
        Assert.Equal("owner-host", owner.HostId);
    }

    [Fact]
    public async Task AVeryLongHealthDetailIsKeptShortenedNotRefused()
    {
        await _client.RegisterOkAsync(Host("detail-host", Service("detail-chat")));
        var service = Service("detail-chat", health: HealthStates.Unhealthy);
        service = service with { State = service.State! with { Detail = "<html>" + new string('x', 20_000) } };

        using var response = await _client.HeartbeatAsync(Heartbeat("detail-host", service));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var detail = (await _client.ServicesAsync()).Single(s => s.ServiceId == "detail-chat").State!.Detail!;
        Assert.StartsWith("<html>", detail, StringComparison.Ordinal);
        Assert.True(detail.Length <= 1025);
    }

    [Fact]
    public async Task AMinimalRegistrationGetsTheWireDefaults()
    {
        using var response = await _client.PostAsync("/v1/nodes/register", JsonContent(
            """{"host_id":"minimal-host","address":"10.0.0.5","services":[{"service_id":"minimal-chat","kind":"chat","endpoint":"http://10.0.0.5:8080"}]}"""),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var service = (await _client.ServicesAsync()).Single(s => s.ServiceId == "minimal-chat");
        Assert.Equal("openai", service.Protocol);
        Assert.Empty(service.Assets);
        Assert.False(service.Routable);
        Assert.Empty((await _client.HostsAsync()).Single(h => h.HostId == "minimal-host").Labels);
    }

    [Theory]
    [InlineData("""{"host_id":"","address":"a"}""", "host_id")]
    [InlineData("""{"host_id":"v1","address":" "}""", "address")]
    [InlineData("""{"host_id":"v2","address":"a","services":[{"service_id":"","kind":"chat","endpoint":"http://x"}]}""", "services[0].service_id")]
    [InlineData("""{"host_id":"v3","address":"a","services":[{"service_id":"s","kind":"speech","endpoint":"http://x"}]}""", "services[0].kind")]
    [InlineData("""{"host_id":"v4","address":"a","services":[{"service_id":"s","kind":"chat","endpoint":"not a url"}]}""", "services[0].endpoint")]
    [InlineData("""{"host_id":"v5","address":"a","services":[{"service_id":"s","kind":"chat","endpoint":"ftp://x"}]}""", "services[0].endpoint")]
    [InlineData("""{"host_id":"v6","address":"a","services":[{"service_id":"s","kind":"chat","endpoint":"http://x"},{"service_id":"s","kind":"chat","endpoint":"http://y"}]}""", "services[1].service_id")]
    [InlineData("""{"host_id":"v7","address":"a","services":[{"kind":"chat","endpoint":"http://x"}]}""", "services[0].service_id")]
    [InlineData("""{"host_id":"v8","address":"a","services":[{"service_id":"s","kind":"chat","endpoint":"http://x","assets":[{"asset_id":""}]}]}""", "services[0].assets[0].asset_id")]
    [InlineData("""{"host_id":"v9","address":"a","services":[{"service_id":"s","kind":"chat","endpoint":"http://x","assets":[{"asset_id":"m","loaded":"yes"}]}]}""", "services[0].assets[0].loaded")]
    [InlineData("""{"address":"a"}""", "host_id")]
    [InlineData("""{"host_id":"v10","address":"a","labels":{"k":7}}""", "labels.k")]
    public async Task AnInvalidRegistrationIs400NamingTheField(string json, string field)
    {
        using var response = await _client.PostAsync("/v1/nodes/register", JsonContent(json), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(field, body["field"]!.GetValue<string>());
        Assert.Contains(field, body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInvalidHeartbeatIs400NamingTheField()
    {
        await _client.RegisterOkAsync(Host("hb-invalid-host", Service("hb-invalid-chat")));

        using var response = await _client.PostAsync("/v1/nodes/heartbeat", JsonContent(
            """{"host_id":"hb-invalid-host","services":[{"service_id":"hb-invalid-chat","kind":"video","endpoint":"http://x"}]}"""),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("services[0].kind", (await response.JsonAsync())["field"]!.GetValue<string>());
    }
}
