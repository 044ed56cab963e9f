using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GenieHive.Contracts;
using GenieHive.Tests.Testing;
using Microsoft.Extensions.Logging;

namespace GenieHive.Tests.Scenarios;

/// <summary>
/// Issue 6, keys: across a whole running cluster, every endpoint refuses a missing key, a wrong key and the other
/// power's key (a client key cannot register a node, a node key cannot call the client or operator API), accepts
/// its own key; and no key, right or wrong, appears in any log line any service wrote at Debug level.
/// </summary>
[Collection(ScenarioCollection.Name)]
public sealed class KeyPowerTests(ITestOutputHelper output)
{
    private const string WrongKey = "scn-wrong-91c0e7d2";

    private enum Power
    {
        Client,
        Node,
    }

    private enum Presented
    {
        None,
        WrongAsApiKey,
        WrongAsBearer,
        ClientAsApiKey,
        ClientAsBearer,
        ClientAsNodeKey,
        NodeAsApiKey,
        NodeAsBearer,
        NodeAsNodeKey,
    }

    private sealed record Endpoint(string Service, HttpMethod Method, string Path, Power Power, string? Json = null);

    [Fact]
    public async Task EveryEndpointAcceptsOnlyItsOwnPowersKeyAndNoKeyIsEverLogged()
    {
        var ct = TestContext.Current.CancellationToken;
        // Every wrong key here comes from one address; the invalid-key throttle (NamedKeyTests) would answer them 429.
        await using var cluster = await TestCluster.StartAsync(new ClusterOptions
        {
            LogLevel = LogLevel.Debug,
            InvalidKeysPerMinute = 0,
        });
        var engine = cluster.StartSimulator("k", "hive-chat");
        await cluster.StartAgentAsync("host-k", new ServiceSpec("chat-k", engine.BaseAddress, "hive-chat"));
        await cluster.WaitForTargetsAsync("hive-chat", "chat-k");

        const string Chat = """{"model":"hive-chat","messages":[{"role":"user","content":"hi"}],"max_tokens":4}""";
        const string Match = """{"task":"write code","limit":3}""";
        const string Benchmarks = """{"samples":[{"benchmark_id":"k1","service_id":"chat-k","workload":"coding","observed_at":1,"results":{"pass_rate":0.5}}]}""";
        const string Observations = """{"reporter_id":"key-test","services":[]}""";
        const string Register = """{"host_id":"key-host","address":"127.0.0.1","services":[{"service_id":"key-chat","kind":"chat","endpoint":"http://127.0.0.1:9"}]}""";
        const string Heartbeat = """{"host_id":"host-k","services":[]}""";
        Endpoint[] endpoints =
        [
            new("control", HttpMethod.Post, "/v1/nodes/register", Power.Node, Register),
            new("control", HttpMethod.Post, "/v1/nodes/heartbeat", Power.Node, Heartbeat),
            .. OperatorEndpoints("control"),
            new("control", HttpMethod.Post, "/v1/cluster/observations", Power.Client, Observations),
            new("facade", HttpMethod.Get, "/v1/models", Power.Client),
            new("facade", HttpMethod.Get, "/v1/models/hive-chat", Power.Client),
            new("facade", HttpMethod.Post, "/v1/chat/completions", Power.Client, Chat),
            new("facade", HttpMethod.Post, "/v1/completions", Power.Client, """{"model":"hive-chat","prompt":"hi","max_tokens":4}"""),
            .. OperatorEndpoints("facade"),
        ];

        IReadOnlyList<Endpoint> OperatorEndpoints(string service) =>
        [
            new(service, HttpMethod.Get, "/v1/cluster/hosts", Power.Client),
            new(service, HttpMethod.Get, "/v1/cluster/services", Power.Client),
            new(service, HttpMethod.Get, "/v1/cluster/roles", Power.Client),
            new(service, HttpMethod.Get, "/v1/cluster/health", Power.Client),
            new(service, HttpMethod.Get, "/v1/cluster/benchmarks", Power.Client),
            new(service, HttpMethod.Get, "/v1/cluster/routes/resolve?model=hive-chat&kind=chat", Power.Client),
            new(service, HttpMethod.Post, "/v1/cluster/routes/match", Power.Client, Match),
            new(service, HttpMethod.Post, "/v1/cluster/benchmarks", Power.Client, Benchmarks),
        ];

        using var control = cluster.Control.App.NewClient();
        using var facade = cluster.Facade.App.NewClient();
        var failures = new List<string>();
        var tried = 0;
        foreach (var endpoint in endpoints)
        {
            foreach (var presented in Enum.GetValues<Presented>())
            {
                var allowed = presented switch
                {
                    Presented.ClientAsApiKey or Presented.ClientAsBearer => endpoint.Power == Power.Client,
                    Presented.NodeAsNodeKey => endpoint.Power == Power.Node,
                    _ => false,
                };
                using var request = new HttpRequestMessage(endpoint.Method, endpoint.Path);
                if (endpoint.Json is { } json)
                {
                    request.Content = new StringContent(json, Encoding.UTF8, "application/json");
                }

                Present(request, presented);
                using var response = await (endpoint.Service == "control" ? control : facade).SendAsync(request, ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                tried++;
                var status = (int)response.StatusCode;
                var label = $"{endpoint.Service} {endpoint.Method} {endpoint.Path} with {presented}";
                if (allowed && status is < 200 or >= 300)
                {
                    failures.Add($"{label}: expected success, got {status}: {body}");
                }
                else if (!allowed && (status != 401 || !IsRefusal(endpoint.Service, response, body)))
                {
                    failures.Add($"{label}: expected a 401 refusal, got {status} {response.Content.Headers.ContentType}: {body}");
                }

                if (body.Contains(TestCluster.ClientKey, StringComparison.Ordinal)
                    || body.Contains(TestCluster.NodeKey, StringComparison.Ordinal)
                    || body.Contains(WrongKey, StringComparison.Ordinal))
                {
                    failures.Add($"{label}: the answer contains a key");
                }
            }
        }

        // Every service logged at Debug level throughout (request logging, heartbeats, routing): no key in any line or scope.
        var lines = cluster.Logs.Entries.ToList();
        var leaks = lines.Where(e => e.Text.Contains(TestCluster.ClientKey, StringComparison.Ordinal)
            || e.Text.Contains(TestCluster.NodeKey, StringComparison.Ordinal)
            || e.Text.Contains(WrongKey, StringComparison.Ordinal)).ToList();
        output.WriteLine($"Key sweep: {tried} requests over {endpoints.Length} endpoints, {failures.Count} wrong; "
            + $"{lines.Count} log lines and scopes searched, {leaks.Count} with a key.");
        failures.AddRange(leaks.Select(e => $"a key in the log of {e.App} ({e.Category}): {e.Text}"));
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private static void Present(HttpRequestMessage request, Presented presented)
    {
        switch (presented)
        {
            case Presented.WrongAsApiKey:
                request.Headers.Add(GenieHiveHeaders.ApiKey, WrongKey);
                break;
            case Presented.WrongAsBearer:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", WrongKey);
                break;
            case Presented.ClientAsApiKey:
                request.Headers.Add(GenieHiveHeaders.ApiKey, TestCluster.ClientKey);
                break;
            case Presented.ClientAsBearer:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestCluster.ClientKey);
                break;
            case Presented.ClientAsNodeKey:
                request.Headers.Add(GenieHiveHeaders.NodeKey, TestCluster.ClientKey);
                break;
            case Presented.NodeAsApiKey:
                request.Headers.Add(GenieHiveHeaders.ApiKey, TestCluster.NodeKey);
                break;
            case Presented.NodeAsBearer:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestCluster.NodeKey);
                break;
            case Presented.NodeAsNodeKey:
                request.Headers.Add(GenieHiveHeaders.NodeKey, TestCluster.NodeKey);
                break;
            case Presented.None:
                break;
        }
    }

    /// <summary>Whether a 401 has the service's shape: OpenAI's <c>invalid_api_key</c> on the facade, ProblemDetails on Control.</summary>
    private static bool IsRefusal(string service, HttpResponseMessage response, string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return service == "facade"
                ? root.TryGetProperty("error", out var error) && error.TryGetProperty("code", out var code) && code.GetString() == "invalid_api_key"
                : response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                    && root.TryGetProperty("status", out var status) && status.GetInt32() == 401;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
