using System.Net;
using System.Net.Http.Json;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Contracts.Nodes;
using GenieHive.Tests.Control;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Benchmarks;

/// <summary>
/// A <see cref="TestCluster"/> with the benchmarker (which claims runs from Control and measures them through the facade),
/// and two engine simulators registered as two hosts serving the same model, one slow (300 ms to first token, 20 tokens/s) and one fast (20 ms, 200 tokens/s).
/// The fast host also serves embeddings. One role, <see cref="Role"/>, pools both chat services. The shared fixture
/// names the chat services <see cref="SlowChat"/> and <see cref="FastChat"/>; <see cref="StartAsync"/> can name them
/// otherwise (routing breaks score ties by service id, so a test can choose which one wins while nothing is measured).
/// </summary>
public sealed class BenchmarkCluster : IAsyncLifetime
{
    public const string ClientKey = TestCluster.ClientKey;
    public const string Role = "bench-role";
    public const string SlowChat = "slow-chat";
    public const string FastChat = "fast-chat";
    public const string FastEmbed = "fast-embed";

    private static readonly GenieHiveJsonContext Json = GenieHiveJsonContext.Default;

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

    public TestCluster Cluster { get; private set; } = null!;

    public SimulatorNode Slow { get; private set; } = null!;

    public SimulatorNode Fast { get; private set; } = null!;

    public ControlNode Control => Cluster.Control;

    public FacadeNode Facade => Cluster.Facade;

    /// <summary>The facade, with the client key (the operator API is re-exposed there).</summary>
    public HttpClient Client => Cluster.FacadeClient;

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
        Cluster = await TestCluster.StartAsync(ClusterOptions.Registered with
        {
            RolesYaml = $"""
                roles:
                  - role_id: {Role}
                    display_name: Bench role
                    description: Answers short questions.
                    operation: chat
                """,
            // The facade's own stream timeouts and invalid-key throttle: runs and CLI calls are ordinary clients here.
            FirstByteTimeoutSeconds = null,
            StreamIdleTimeoutSeconds = null,
            InvalidKeysPerMinute = null,
            ObservationIntervalSeconds = 0.2,
        });
        Slow = Cluster.StartSimulator("slow", ("TimeToFirstTokenMs", 300), ("TokensPerSecond", 20), ("Slots", 2));
        Fast = Cluster.StartSimulator("fast", ("TimeToFirstTokenMs", 20), ("TokensPerSecond", 200), ("Slots", 2));
        Cluster.StartBenchmarker();

        await Cluster.RegisterAsync(ControlTestData.Host("slow-host", SimulatorService(SlowChatService, ServiceKinds.Chat, "sim-chat", Slow)));
        await Cluster.RegisterAsync(ControlTestData.Host("fast-host",
            SimulatorService(FastChatService, ServiceKinds.Chat, "sim-chat", Fast),
            SimulatorService(FastEmbed, ServiceKinds.Embeddings, "sim-embed", Fast)));
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }

    /// <summary>The facade's routing table version (to wait until it routes with what Control published).</summary>
    public long FacadeVersion => Facade.Routing.Current?.Version ?? 0;

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

    /// <summary>A service answered by <paramref name="simulator"/> (<see cref="Fast"/> or <see cref="Slow"/>), as the fixture registers its own.</summary>
    public static RegisteredService SimulatorService(string serviceId, string kind, string asset, SimulatorNode simulator) =>
        ControlTestData.Service(serviceId, kind, asset, contextSize: 4096, p50: null, tokensPerSec: null) with { Endpoint = simulator.Url };

    /// <summary>Registers a host with Control, with the node key, as a node agent would, and waits until the facade routes from the result.</summary>
    public Task RegisterAsync(string hostId, params RegisteredService[] services) => Cluster.RegisterAsync(ControlTestData.Host(hostId, services));
}

[CollectionDefinition(Name)]
public sealed class BenchmarkClusterCollection : ICollectionFixture<BenchmarkCluster>
{
    public const string Name = "benchmark cluster";
}
