using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using GenieHive.Contracts;
using static GenieHive.Tests.Control.ControlTestData;

namespace GenieHive.Tests.Control;

/// <summary>Control with client and node keys configured.</summary>
public sealed class KeyedControlFixture : IAsyncLifetime
{
    public const string ClientKey = "client-key-one";
    public const string SecondClientKey = "client-key-two";
    public const string NodeKey = "node-key-one";

    public ControlFactory Factory { get; } = new(settings: new Dictionary<string, string?>
    {
        ["GenieHive:Auth:ClientApiKeys:0"] = ClientKey,
        ["GenieHive:Auth:ClientApiKeys:1"] = SecondClientKey,
        ["GenieHive:Auth:NodeApiKeys:0"] = NodeKey,
    });

    public ValueTask InitializeAsync()
    {
        _ = Factory.Server;
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await Factory.DisposeAsync();
}

public sealed class AuthTests(KeyedControlFixture control) : IClassFixture<KeyedControlFixture>
{
    public static TheoryData<string, string> ClusterEndpoints => new()
    {
        { "GET", "/v1/cluster/hosts" },
        { "GET", "/v1/cluster/services" },
        { "GET", "/v1/cluster/roles" },
        { "GET", "/v1/cluster/health" },
        { "GET", "/v1/cluster/benchmarks" },
        { "GET", "/v1/cluster/routes/resolve?model=mentor" },
        { "GET", "/v1/cluster/routing-table?wait=0" },
        { "POST", "/v1/cluster/routes/match" },
        { "POST", "/v1/cluster/benchmarks" },
        { "POST", "/v1/cluster/observations" },
    };

    [Theory]
    [MemberData(nameof(ClusterEndpoints))]
    public async Task ClusterEndpointsAnswer401WithoutAKeyWithAWrongKeyAndWithANodeKey(string method, string path)
    {
        using var client = control.Factory.CreateClient();
        foreach (var configure in new Action<HttpRequestMessage>[]
        {
            _ => { },
            request => request.Headers.Add(GenieHiveHeaders.ApiKey, "wrong"),
            request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "wrong"),
            request => request.Headers.Add(GenieHiveHeaders.ApiKey, KeyedControlFixture.NodeKey),
            request => request.Headers.Add(GenieHiveHeaders.NodeKey, KeyedControlFixture.NodeKey),
        })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? JsonContent("{}") : null };
            configure(request);

            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal(401, (await response.JsonAsync())["status"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task BothClientKeysWorkAsXApiKeyAndAsBearer()
    {
        using var client = control.Factory.CreateClient();
        foreach (var configure in new Action<HttpRequestMessage>[]
        {
            request => request.Headers.Add(GenieHiveHeaders.ApiKey, KeyedControlFixture.ClientKey),
            request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", KeyedControlFixture.ClientKey),
            request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", KeyedControlFixture.SecondClientKey),
            request =>
            {
                request.Headers.Add(GenieHiveHeaders.ApiKey, "stale-key");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", KeyedControlFixture.ClientKey);
            },
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/cluster/health");
            configure(request);

            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task NodeEndpointsTakeTheNodeKeyAndRefuseAClientKey()
    {
        using var client = control.Factory.CreateClient();
        var registration = Host("keyed-host", Service("keyed-chat"));

        foreach (var (header, value) in new[]
        {
            ("none", ""),
            (GenieHiveHeaders.NodeKey, "wrong"),
            (GenieHiveHeaders.NodeKey, KeyedControlFixture.ClientKey),
            (GenieHiveHeaders.ApiKey, KeyedControlFixture.ClientKey),
            ("Authorization", "Bearer " + KeyedControlFixture.NodeKey),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/nodes/register")
            {
                Content = JsonContent(System.Text.Json.JsonSerializer.Serialize(registration, Json.HostRegistration)),
            };
            if (header != "none")
            {
                request.Headers.TryAddWithoutValidation(header, value);
            }

            using var refused = await client.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        client.DefaultRequestHeaders.Add(GenieHiveHeaders.NodeKey, KeyedControlFixture.NodeKey);
        using var registered = await client.RegisterAsync(registration);
        using var heartbeat = await client.HeartbeatAsync(Heartbeat("keyed-host"));

        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        Assert.Equal(HttpStatusCode.OK, heartbeat.StatusCode);
    }

    [Fact]
    public async Task HealthProbesNeedNoKey()
    {
        using var client = control.Factory.CreateClient();

        using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task UnauthorizedComesBeforeBodyValidation()
    {
        using var client = control.Factory.CreateClient();

        using var response = await client.PostAsync("/v1/cluster/benchmarks", JsonContent("{not json", "text/plain"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

public sealed class AuthOffTests(ControlFixture control) : IClassFixture<ControlFixture>
{
    [Fact]
    public async Task WithNoKeysConfiguredBothApisAreOpen()
    {
        using var registered = await control.Client.RegisterAsync(Host("open-host", Service("open-chat")));
        var hosts = await control.Client.GetFromJsonAsync("/v1/cluster/hosts", Json.ListResponseHostView, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        Assert.Contains(hosts!.Data, host => host.HostId == "open-host");
    }
}
