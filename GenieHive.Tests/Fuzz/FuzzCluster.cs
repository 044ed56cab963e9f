using System.Net.Http.Json;
using GenieHive.Contracts;
using GenieHive.Contracts.Json;
using GenieHive.Tests.Compat;
using GenieHive.Tests.Testing;
using Microsoft.Data.Sqlite;

namespace GenieHive.Tests.Fuzz;

/// <summary>
/// The small real cluster the fuzz suite attacks, and what it checks after the attack: the simulator engine, Control on a
/// SQLite file, the facade, and a node agent that registers the simulator with Control, each on its own Kestrel socket
/// (<see cref="SimulatedCluster"/> plus the agent, and the simulator registered as a rerank service too).
/// </summary>
public sealed class FuzzCluster : IAsyncLifetime
{
    private readonly SimulatedCluster _simulated = new();
    private AgentNode? _agent;

    /// <summary>The model of the rerank service registered beside the simulated cluster's (the simulator ranks any).</summary>
    public const string RerankModel = "sim-rerank";

    public HttpClient Raw { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    internal string Url(FuzzService service) => service switch
    {
        FuzzService.Facade => _simulated.Cluster.Facade.Url,
        FuzzService.Control => _simulated.Cluster.Control.Url,
        FuzzService.NodeAgent => _agent!.Url,
        _ => _simulated.Engine.Url,
    };

    public async ValueTask InitializeAsync()
    {
        await _simulated.InitializeAsync();
        await _simulated.Cluster.RegisterAsync(Registrations.Host(
            "fuzz-rerank-host", Registrations.Service("fuzz-rerank-svc", ServiceKinds.Rerank, _simulated.Engine.Url, RerankModel)));
        // Not waited for: no family needs the agent's host routed, and the store check compares whatever the table and the registry hold.
        _agent = _simulated.Cluster.CreateAgent("fuzz-agent", new ServiceSpec("fuzz-agent-chat", new Uri(_simulated.Engine.Url), null, "llamacpp"));
        _agent.Start();
    }

    /// <summary>Every service answers its health endpoint, and the facade still serves a plain chat request.</summary>
    public async Task<string?> HealthProblemAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        foreach (var service in Enum.GetValues<FuzzService>())
        {
            using var health = await Raw.GetAsync(Url(service) + "/health", ct);
            if (!health.IsSuccessStatusCode)
            {
                return service + " /health answered " + (int)health.StatusCode;
            }
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, Url(FuzzService.Facade) + "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"sim-chat","messages":[{"role":"user","content":"hi"}],"max_tokens":4}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Authorization", "Bearer " + TestCluster.ClientKey);
        using var chat = await Raw.SendAsync(request, ct);
        return chat.IsSuccessStatusCode ? null : "a plain chat request afterwards got " + (int)chat.StatusCode + ": " + await chat.Content.ReadAsStringAsync(ct);
    }

    /// <summary>
    /// What is wrong with Control's store: SQLite's own integrity check, then the routing table against the registry
    /// (every service once, on a host the table lists, the same services as <c>/v1/cluster/services</c>).
    /// </summary>
    public async Task<string?> StoreProblemAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var connection = new SqliteConnection("Data Source=" + _simulated.Cluster.Control.DatabasePath + ";Mode=ReadOnly;Pooling=False"))
        {
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA integrity_check";
            var result = (string?)await command.ExecuteScalarAsync(ct);
            if (result != "ok")
            {
                return "PRAGMA integrity_check: " + result;
            }
        }

        var control = Url(FuzzService.Control);
        using var tableRequest = new HttpRequestMessage(HttpMethod.Get, control + "/v1/cluster/routing-table");
        tableRequest.Headers.Add(GenieHiveHeaders.ApiKey, TestCluster.ClientKey);
        using var tableResponse = await Raw.SendAsync(tableRequest, ct);
        var table = await tableResponse.Content.ReadFromJsonAsync(GenieHiveJsonContext.Default.RoutingTable, ct);
        using var servicesRequest = new HttpRequestMessage(HttpMethod.Get, control + "/v1/cluster/services");
        servicesRequest.Headers.Add(GenieHiveHeaders.ApiKey, TestCluster.ClientKey);
        using var servicesResponse = await Raw.SendAsync(servicesRequest, ct);
        var listed = System.Text.Json.JsonDocument.Parse(await servicesResponse.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("data")
            .EnumerateArray().Select(s => s.GetProperty("service_id").GetString()!).Order(StringComparer.Ordinal).ToArray();
        var ids = table!.Services.Select(s => s.ServiceId).Order(StringComparer.Ordinal).ToArray();
        var hosts = table.Hosts.Select(h => h.HostId).ToHashSet(StringComparer.Ordinal);
        if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Length)
        {
            return "the routing table lists a service twice";
        }

        if (table.Services.FirstOrDefault(s => !hosts.Contains(s.HostId)) is { } orphan)
        {
            return "the routing table's service " + orphan.ServiceId + " is on host " + orphan.HostId + ", which it does not list";
        }

        return ids.SequenceEqual(listed, StringComparer.Ordinal) ? null
            : "the routing table's services (" + string.Join(",", ids) + ") differ from /v1/cluster/services (" + string.Join(",", listed) + ")";
    }

    public async ValueTask DisposeAsync()
    {
        Raw.Dispose();
        await _simulated.DisposeAsync();
    }
}
