using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.Testing;

namespace GenieHive.Tests.AppHost;

/// <summary>
/// The whole default topology (SQLite resource, control, facade, benchmarker, two simulated hosts with their node
/// agents) started once for the collection through the real AppHost, on a free facade port and a
/// temporary database.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string ClientKey = "cluster-test-key";
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(3);
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), "geniehive-apphost-" + Guid.NewGuid().ToString("N"));

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>A client for the facade with the client key set.</summary>
    public HttpClient Facade { get; private set; } = null!;

    public Uri FacadeBaseAddress => Facade.BaseAddress!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GenieHive_AppHost>(
            [
                "--Parameters:facade-port=0",
                $"--Parameters:client-api-key={ClientKey}",
                $"--GenieHive:DatabasePath={Path.Combine(_stateDirectory, "geniehive.sqlite3")}",
                "--GenieHive:HeartbeatIntervalSeconds=1",
            ],
            ct);

        App = await builder.BuildAsync(ct).WaitAsync(s_startTimeout, ct);
        await App.StartAsync(ct).WaitAsync(s_startTimeout, ct);
        foreach (var resource in new[] { "control", "facade", "benchmarker", "node-alpha", "node-beta" })
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, ct).WaitAsync(s_startTimeout, ct);
        }

        Facade = App.CreateHttpClient("facade", "http");
        Facade.DefaultRequestHeaders.Add("X-Api-Key", ClientKey);
        await WaitForClusterAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        Facade?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        try
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the WAL file for a moment; a temp folder left behind is harmless.
        }
    }

    // Both hosts registered and their chat model routable through the facade: the routing table has arrived.
    private async Task WaitForClusterAsync(CancellationToken ct)
    {
        JsonObject? health = null;
        await Testing.Eventually.UntilAsync(async () =>
        {
            health = await Facade.GetFromJsonAsync<JsonObject>("/v1/cluster/health", ct);
            using var models = await Facade.GetAsync("/v1/models", ct);
            if (health?["online_host_count"]?.GetValue<int>() < 2 || !models.IsSuccessStatusCode)
            {
                return false;
            }

            var list = await models.Content.ReadFromJsonAsync<JsonObject>(ct);
            return list?["data"]?.AsArray().Any(m => m?["id"]?.GetValue<string>() == "qwen3-sim-8b") == true;
        }, "both hosts online and qwen3-sim-8b listed by the facade", s_startTimeout, () => "Last health: " + health?.ToJsonString());
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
