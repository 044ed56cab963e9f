using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using GenieHive.Contracts;
using GenieHive.Contracts.Json;
using GenieHive.Contracts.Nodes;
using GenieHive.Control;
using GenieHive.Facade;
using GenieHive.Facade.Routing;
using GenieHive.Tests.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;

namespace GenieHive.Tests.Compat;

/// <summary>
/// A real Control (SQLite in a temp file, a roles file, client and node keys) and a real facade following its
/// routing table, both on Kestrel sockets. Model servers join as a node agent would: <c>POST /v1/nodes/register</c>
/// with the node key. The SDKs point at <see cref="FacadeUrl"/> + <c>/v1</c> with <see cref="ClientKey"/>.
/// </summary>
internal sealed class CompatCluster : IAsyncDisposable
{
    public const string ClientKey = "compat-client-key";
    public const string NodeKey = "compat-node-key";

    private readonly string _directory;
    private KestrelApp<ControlMarker>? _control;
    private KestrelApp<FacadeMarker>? _facade;
    private HttpClient? _controlClient;

    private CompatCluster(string directory)
    {
        _directory = directory;
    }

    public string FacadeUrl => _facade!.Url;

    public string ControlUrl => _control!.Url;

    /// <summary>Control's SQLite file (to check its integrity after abuse).</summary>
    public string DatabasePath => Path.Combine(_directory, "control.sqlite3");

    /// <summary>The facade's services, to read what it measured.</summary>
    public IServiceProvider FacadeServices => _facade!.Services;

    /// <summary>Plain HTTP to the facade with the client key as a bearer token (as every SDK sends it).</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>Starts Control with <paramref name="rolesYaml"/> as its catalog, then the facade on Control's first table.</summary>
    public static async Task<CompatCluster> StartAsync(string rolesYaml, IDictionary<string, string?>? facadeSettings = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "geniehive-compat", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var cluster = new CompatCluster(directory);
        try
        {
            await cluster.StartAppsAsync(rolesYaml, facadeSettings);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>An OpenAI client for the facade. Retries are off unless asked for, so error tests see one answer.</summary>
    public OpenAIClient OpenAi(string? key = null, int maxRetries = 0, RequestCapture? capture = null)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = new Uri(FacadeUrl + "/v1"),
            NetworkTimeout = TimeSpan.FromSeconds(60),
            RetryPolicy = new ClientRetryPolicy(maxRetries),
        };
        if (capture is not null)
        {
            options.AddPolicy(capture, PipelinePosition.PerCall);
        }

        return new OpenAIClient(new ApiKeyCredential(key ?? ClientKey), options);
    }

    /// <summary>Registers a host (as its node agent would) and waits until the facade routes from the resulting table.</summary>
    public async Task RegisterAsync(HostRegistration registration)
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/nodes/register")
        {
            Content = JsonContent.Create(registration, GenieHiveJsonContext.Default.HostRegistration),
        };
        request.Headers.Add(GenieHiveHeaders.NodeKey, NodeKey);
        using var response = await _controlClient!.SendAsync(request, ct).WaitAsync(TimeSpan.FromSeconds(20), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, "Control refused the registration: " + (int)response.StatusCode + " " + body);
        await WaitForControlTableAsync();
    }

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
        DisplayName = "Compat host " + hostId,
        Address = "127.0.0.1",
        Services = [.. services],
    };

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        _controlClient?.Dispose();
        if (_facade is not null)
        {
            await _facade.DisposeAsync();
        }

        if (_control is not null)
        {
            await _control.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; every run uses a new one.
        }
    }

    private async Task StartAppsAsync(string rolesYaml, IDictionary<string, string?>? facadeSettings)
    {
        var rolesPath = Path.Combine(_directory, "roles.yaml");
        await File.WriteAllTextAsync(rolesPath, rolesYaml, TestContext.Current.CancellationToken);
        _control = KestrelApp<ControlMarker>.Start(new Dictionary<string, string?>
        {
            ["ConnectionStrings:geniehive"] = "Data Source=" + DatabasePath,
            ["GenieHive:Auth:ClientApiKeys:0"] = ClientKey,
            ["GenieHive:Auth:NodeApiKeys:0"] = NodeKey,
            ["GenieHive:Roles:Path"] = rolesPath,
            // No node agent heartbeats here: registered hosts must not go stale during a test class.
            ["GenieHive:Routing:HostTimeoutSeconds"] = "3600",
        });
        _controlClient = new HttpClient { BaseAddress = new Uri(_control.Url), Timeout = TimeSpan.FromSeconds(30) };
        _controlClient.DefaultRequestHeaders.Add(GenieHiveHeaders.ApiKey, ClientKey);

        var settings = new Dictionary<string, string?>
        {
            ["services:control:http:0"] = _control.Url,
            ["GenieHive:Auth:ClientApiKeys:0"] = ClientKey,
            ["GenieHive:Proxy:FirstByteTimeoutSeconds"] = "30",
            ["GenieHive:Proxy:StreamIdleTimeoutSeconds"] = "30",
            ["GenieHive:Observations:IntervalSeconds"] = "0.5",
            // Many test classes share this facade from loopback; the invalid-key throttle has its own test (NamedKeyTests).
            ["GenieHive:Auth:InvalidKeysPerMinute"] = "0",
        };
        foreach (var (key, value) in facadeSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        _facade = KestrelApp<FacadeMarker>.Start(settings);
        Http = new HttpClient { BaseAddress = new Uri(_facade.Url), Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ClientKey);
        await WaitForControlTableAsync();
    }

    /// <summary>Waits (bounded) until the facade routes from the routing table Control holds now.</summary>
    private async Task WaitForControlTableAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var table = await _controlClient!.GetFromJsonAsync("/v1/cluster/routing-table", GenieHiveJsonContext.Default.RoutingTable, ct)
            .WaitAsync(TimeSpan.FromSeconds(20), ct);
        var routing = _facade!.Services.GetRequiredService<RoutingState>();
        await Testing.Eventually.UntilAsync(() => routing.Current?.Version >= table!.Version,
            "the facade to route from Control's routing table version " + table!.Version, TimeSpan.FromSeconds(20));
    }
}
