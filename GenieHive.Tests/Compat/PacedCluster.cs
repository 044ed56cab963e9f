using GenieHive.Contracts;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Compat;

/// <summary>
/// A cluster whose engine generates at a human pace (40 tokens/s), for the tests that break or abandon streams
/// mid-way. Its tests change the engine's faults and counters, so they run one at a time on their own cluster.
/// </summary>
public sealed class PacedCluster : IAsyncLifetime
{
    /// <summary>The chat model the stream tests use.</summary>
    public const string Model = "paced-chat";

    /// <summary>A second chat model on the same engine, for tests that leave their service cooling down.</summary>
    public const string SpareModel = "spare-chat";

    /// <summary>A third chat model on the same engine, whose service only the measurement test uses.</summary>
    public const string MeasuredModel = "measured-chat";

    public const string MeasuredService = "measured-svc";

    internal TestCluster Cluster { get; private set; } = null!;

    internal SimulatorNode Engine { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Cluster = await TestCluster.StartAsync(ClusterOptions.Registered with { RolesYaml = "roles: []\n" });
        Engine = Cluster.StartSimulator("paced", ("TokensPerSecond", 40), ("ChatModels:0", Model), ("ChatModels:1", SpareModel), ("ChatModels:2", MeasuredModel));
        await Cluster.RegisterAsync(Registrations.Host(
            "paced-host",
            Registrations.Service("paced-svc", ServiceKinds.Chat, Engine.Url, Model),
            Registrations.Service("spare-svc", ServiceKinds.Chat, Engine.Url, SpareModel),
            Registrations.Service(MeasuredService, ServiceKinds.Chat, Engine.Url, MeasuredModel)));
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}

/// <summary>The test classes that share one <see cref="PacedCluster"/> (one at a time: they change its engine's faults).</summary>
[CollectionDefinition(Name)]
public sealed class PacedClusterCollection : ICollectionFixture<PacedCluster>
{
    public const string Name = "Compat: paced cluster";
}
