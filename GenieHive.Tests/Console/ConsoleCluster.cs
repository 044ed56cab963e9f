using GenieHive.Tests.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace GenieHive.Tests.Console;

/// <summary>
/// A real cluster in process for the console's browser tests, shaped like the AppHost's: the repository's role
/// catalog, host <c>alpha</c> (fast, qwen3-sim-8b, 8k context) and host <c>beta</c> (slower, qwen3-sim-8b and
/// mistral-sim-7b, 32k), plus host <c>gamma</c>, a slow engine (a model of no preferred family, 16k) for benchmark
/// runs that must still be running when cancelled. Not started without chromium: its tests skip.
/// </summary>
public sealed class ConsoleCluster : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    /// <summary>The facade's origin, as the browser sees it.</summary>
    public Uri Origin => Cluster.Facade.App.BaseAddress;

    /// <summary>The slow engine: one short reasoning case takes it seconds.</summary>
    public SimulatorNode Gamma { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        if (ConsoleBrowser.ChromiumPath is null)
        {
            return;
        }

        Cluster = await TestCluster.StartAsync(new ClusterOptions
        {
            RolesYaml = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "roles.yaml"), TestContext.Current.CancellationToken),
            HostTimeoutSeconds = 2,
        });

        // Benchmark runs call the facade as clients do (the AppHost's control.WithReference(facade)).
        var configuration = (IConfigurationRoot)Cluster.Control.App.Services.GetRequiredService<IConfiguration>();
        configuration["services:facade:http:0"] = Origin.ToString().TrimEnd('/');
        configuration.Reload();

        var alpha = Cluster.StartSimulator("alpha", "qwen3-sim-8b", ("TimeToFirstTokenMs", 20), ("TokensPerSecond", 400), ("ContextSize", 8192));
        var beta = Cluster.StartSimulator("beta", "qwen3-sim-8b", ("ChatModels:1", "mistral-sim-7b"),
            ("TimeToFirstTokenMs", 80), ("TokensPerSecond", 150), ("ContextSize", 32768));
        Gamma = Cluster.StartSimulator("gamma", "slow-sim-1b", ("TimeToFirstTokenMs", 2000), ("TokensPerSecond", 4), ("ContextSize", 16384));
        await Cluster.StartAgentAsync("alpha", new ServiceSpec("alpha-chat", alpha.BaseAddress, null, "llamacpp"));
        await Cluster.StartAgentAsync("beta", new ServiceSpec("beta-chat", beta.BaseAddress, null, "llamacpp"));
        await Cluster.StartAgentAsync("gamma", new ServiceSpec("gamma-chat", Gamma.BaseAddress, null, "llamacpp"));
        await Cluster.WaitForTargetsAsync("qwen3-sim-8b", "alpha-chat", "beta-chat");
        await Cluster.WaitForTargetsAsync("slow-sim-1b", "gamma-chat");
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}

/// <summary>
/// The browser tests run one at a time, after the parallel tests: Chromium and a whole cluster on two shared cores,
/// with staleness measured in seconds.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleBrowser>, ICollectionFixture<ConsoleCluster>
{
    public const string Name = "Console in a browser";
}
