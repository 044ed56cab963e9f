using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Contracts.Nodes;
using GenieHive.Control;
using GenieHive.Facade;
using GenieHive.Facade.Routing;
using GenieHive.Tests.Control;
using GenieHive.Tests.Hosting;
using GenieHive.Tests.Simulator;
using Microsoft.Extensions.DependencyInjection;

namespace GenieHive.Tests.Benchmarks;

/// <summary>
/// A real cluster in process, every hop over HTTP: Control, the facade, the benchmarker (which claims runs from Control
/// and measures them through the facade), and two engine simulators registered as two hosts serving the same model, one slow (300 ms to first token, 20 tokens/s) and one fast (20 ms, 200 tokens/s).
/// The fast host also serves embeddings. One role, <see cref="Role"/>, pools both chat services. The shared fixture
/// names the chat services <see cref="SlowChat"/> and <see cref="FastChat"/>; <see cref="StartAsync"/> can name them
/// otherwise (routing breaks score ties by service id, so a test can choose which one wins while nothing is measured).
/// </summary>
public sealed class BenchmarkCluster : IAsyncLifetime
{
    public const string ClientKey = "bench-client-key";
    public const string NodeKey = "bench-node-key";
    public const string Role = "bench-role";
    public const string SlowChat = "slow-chat";
    public const string FastChat = "fast-chat";
    public const string FastEmbed = "fast-embed";

    private static readonly GenieHiveJsonContext Json = GenieHiveJsonContext.Default;

    private readonly string _rolesPath = Path.Combine(Path.GetTempPath(), "geniehive-tests", $"bench-roles-{Guid.NewGuid():N}.yaml");
    private readonly string _databasePath = ControlFactory.NewDatabasePath();

    public BenchmarkCluster()
        : this(SlowChat, FastChat)
    {
    }

    private BenchmarkCluster(string slowChatService, string fastChatService)
    {
        SlowChatService = slowChatService;
        FastChatService = fastChatService;
    }

    /// <summary>The slow host's chat service id (<see cref="SlowChat"/> in the shared fixture).</summary>
    public string SlowChatService { get; }

    /// <summary>The fast host's chat service id (<see cref="FastChat"/> in the shared fixture).</summary>
    public string FastChatService { get; }

    public SimulatorApp Slow { get; private set; } = null!;
    public SimulatorApp Fast { get; private set; } = null!;
    public KestrelApp<ControlMarker> Control { get; private set; } = null!;
    public KestrelApp<FacadeMarker> Facade { get; private set; } = null!;

    /// <summary>Claims the runs Control queues and measures them through the facade, with the client key.</summary>
    public BenchmarkerApp Benchmarker { get; private set; } = null!;

    /// <summary>The facade, with the client key (the operator API is re-exposed there).</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>A cluster of its own (not the shared fixture), with these chat service ids; dispose it.</summary>
    public static async Task<BenchmarkCluster> StartAsync(string slowChatService, string fastChatService)
    {
        var cluster = new BenchmarkCluster(slowChatService, fastChatService);
        try
        {
            await cluster.InitializeAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_rolesPath)!);
        await File.WriteAllTextAsync(_rolesPath, $"""
            roles:
              - role_id: {Role}
                display_name: Bench role
                description: Answers short questions.
                operation: chat
            """, TestContext.Current.CancellationToken);

        Slow = SimulatorApp.OnKestrel(("TimeToFirstTokenMs", 300), ("TokensPerSecond", 20), ("Slots", 2));
        Fast = SimulatorApp.OnKestrel(("TimeToFirstTokenMs", 20), ("TokensPerSecond", 200), ("Slots", 2));

        Control = KestrelApp<ControlMarker>.Start(new Dictionary<string, string?>
        {
            ["ConnectionStrings:geniehive"] = $"Data Source={_databasePath}",
            ["GenieHive:Auth:ClientApiKeys:0"] = ClientKey,
            ["GenieHive:Auth:NodeApiKeys:0"] = NodeKey,
            ["GenieHive:Roles:Path"] = _rolesPath,
            // Nothing heartbeats here: the hosts must not go stale during the tests.
            ["GenieHive:Routing:HostTimeoutSeconds"] = "3600",
        });
        Facade = KestrelApp<FacadeMarker>.Start(new Dictionary<string, string?>
        {
            ["services:control:http:0"] = Control.Url,
            ["GenieHive:Auth:ClientApiKeys:0"] = ClientKey,
            ["GenieHive:Observations:IntervalSeconds"] = "0.2",
        });
        Benchmarker = BenchmarkerApp.Start(Control.Url, Facade.Url, ClientKey);

        Client = new HttpClient { BaseAddress = new Uri(Facade.Url), Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ClientKey);

        await RegisterAsync("slow-host", Service(SlowChatService, ServiceKinds.Chat, "sim-chat", SimulatorUrl(Slow)));
        await RegisterAsync("fast-host",
            Service(FastChatService, ServiceKinds.Chat, "sim-chat", SimulatorUrl(Fast)),
            Service(FastEmbed, ServiceKinds.Embeddings, "sim-embed", SimulatorUrl(Fast)));
        foreach (var model in new[] { SlowChatService, FastChatService, FastEmbed, Role })
        {
            await ControlTestData.EventuallyAsync(
                async () => (await Client.GetAsync("/v1/models/" + model, TestContext.Current.CancellationToken)).StatusCode,
                status => status == HttpStatusCode.OK, seconds: 15);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (Benchmarker is not null)
        {
            await Benchmarker.DisposeAsync();
        }

        if (Facade is not null)
        {
            await Facade.DisposeAsync();
        }

        if (Control is not null)
        {
            await Control.DisposeAsync();
        }

        if (Slow is not null)
        {
            await Slow.DisposeAsync();
        }

        if (Fast is not null)
        {
            await Fast.DisposeAsync();
        }

        ControlFactory.DeleteDatabase(_databasePath);
        File.Delete(_rolesPath);
    }

    /// <summary>The facade's routing table version (to wait until it routes with what Control published).</summary>
    public long FacadeVersion => Facade.Services.GetRequiredService<RoutingState>().Current?.Version ?? 0;

    public async Task<HttpResponseMessage> StartRunAsync(BenchmarkRunRequest request) =>
        await Client.PostAsJsonAsync("/v1/cluster/benchmarks/runs", request, Json.BenchmarkRunRequest, TestContext.Current.CancellationToken);

    public async Task<BenchmarkRun> StartRunOkAsync(BenchmarkRunRequest request)
    {
        using var response = await StartRunAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(Json.BenchmarkRun, TestContext.Current.CancellationToken))!;
    }

    public async Task<BenchmarkRun> GetRunAsync(string id) =>
        (await Client.GetFromJsonAsync("/v1/cluster/benchmarks/runs/" + id, Json.BenchmarkRun, TestContext.Current.CancellationToken))!;

    /// <summary>Polls the run until it has finished (bounded).</summary>
    public async Task<BenchmarkRun> WaitForRunAsync(string id, double seconds = 60)
    {
        var run = await ControlTestData.EventuallyAsync(() => GetRunAsync(id), r => BenchmarkRunStatuses.IsFinished(r.Status), seconds);
        Assert.True(BenchmarkRunStatuses.IsFinished(run.Status), $"Run {id} still {run.Status} after {seconds} s.");
        return run;
    }

    private static string SimulatorUrl(SimulatorApp simulator) => KestrelStart.ListeningUrl(simulator.Services);

    /// <summary>A service answered by <paramref name="simulator"/> (<see cref="Fast"/> or <see cref="Slow"/>), as the fixture registers its own.</summary>
    public static RegisteredService SimulatorService(string serviceId, string kind, string asset, SimulatorApp simulator) =>
        Service(serviceId, kind, asset, SimulatorUrl(simulator));

    private static RegisteredService Service(string serviceId, string kind, string asset, string endpoint) =>
        ControlTestData.Service(serviceId, kind, asset, contextSize: 4096, p50: null, tokensPerSec: null) with { Endpoint = endpoint };

    /// <summary>Registers a host with Control, with the node key, as a node agent would.</summary>
    public async Task RegisterAsync(string hostId, params RegisteredService[] services)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Control.Url + "/v1/nodes/register")
        {
            Content = JsonContent.Create(ControlTestData.Host(hostId, services), Json.HostRegistration),
        };
        request.Headers.Add(GenieHiveHeaders.NodeKey, NodeKey);
        using var http = new HttpClient();
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

[CollectionDefinition(Name)]
public sealed class BenchmarkClusterCollection : ICollectionFixture<BenchmarkCluster>
{
    public const string Name = "benchmark cluster";
}
