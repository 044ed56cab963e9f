using System.Net.Http.Json;
using GenieHive.Contracts;
using GenieHive.Contracts.Json;
using GenieHive.Contracts.Nodes;

namespace GenieHive.Tests.Testing;

/// <summary>Hosts and services as a node agent registers them, for <see cref="TestCluster.RegisterAsync"/>.</summary>
public static class Registrations
{
    /// <summary>A service as a node agent registers it: healthy, accepting, its assets loaded.</summary>
    public static RegisteredService Service(string serviceId, string kind, string endpoint, string asset, int contextSize = 4096, string health = HealthStates.Healthy) => new()
    {
        ServiceId = serviceId,
        Kind = kind,
        Endpoint = endpoint,
        Runtime = new ServiceRuntime { Engine = "llama.cpp", ContextSize = contextSize },
        Assets = [new ServiceAsset { AssetId = asset, Loaded = true, ContextSize = contextSize }],
        State = new ServiceState { Health = health, AcceptRequests = true },
    };

    public static HostRegistration Host(string hostId, params RegisteredService[] services) => new()
    {
        HostId = hostId,
        DisplayName = "Test host " + hostId,
        Address = "127.0.0.1",
        Services = [.. services],
    };

    /// <summary>Registers a host with Control at <paramref name="controlUrl"/> with the node key, as its node agent would; fails the test unless Control answers 200.</summary>
    public static async Task PostAsync(string controlUrl, HostRegistration registration)
    {
        using var response = await SendAsync(controlUrl, registration);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, "Control refused the registration: " + (int)response.StatusCode + " " + body);
    }

    /// <summary>Sends a registration to Control at <paramref name="controlUrl"/> with the node key, whatever it answers.</summary>
    public static async Task<HttpResponseMessage> SendAsync(string controlUrl, HostRegistration registration)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, controlUrl + "/v1/nodes/register")
        {
            Content = JsonContent.Create(registration, GenieHiveJsonContext.Default.HostRegistration),
        };
        request.Headers.Add(GenieHiveHeaders.NodeKey, TestCluster.NodeKey);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
