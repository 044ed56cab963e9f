using GenieHive.Contracts;

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

    internal CompatCluster Cluster { get; private set; } = null!;

    internal SimulatorEngine Engine { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Engine = SimulatorEngine.Start(("TokensPerSecond", 40), ("ChatModels:0", Model), ("ChatModels:1", SpareModel), ("ChatModels:2", MeasuredModel));
        Cluster = await CompatCluster.StartAsync("roles: []\n");
        await Cluster.RegisterAsync(CompatCluster.Host(
            "paced-host",
            CompatCluster.Service("paced-svc", ServiceKinds.Chat, Engine.Url, Model),
            CompatCluster.Service("spare-svc", ServiceKinds.Chat, Engine.Url, SpareModel),
            CompatCluster.Service(MeasuredService, ServiceKinds.Chat, Engine.Url, MeasuredModel)));
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        if (Engine is not null)
        {
            await Engine.DisposeAsync();
        }
    }
}

/// <summary>The test classes that share one <see cref="PacedCluster"/> (one at a time: they change its engine's faults).</summary>
[CollectionDefinition(Name)]
public sealed class PacedClusterCollection : ICollectionFixture<PacedCluster>
{
    public const string Name = "Compat: paced cluster";
}
