using GenieHive.Bench.Quality.Engines;

namespace GenieHive.Bench.Quality.Cluster;

/// <summary>What a replay needs of the cluster it runs on: where to send, and how to kill an engine.</summary>
internal interface IArmCluster
{
    /// <summary>The facade's base URL (strategy arms send the model name there).</summary>
    Uri Facade { get; }

    /// <summary>Where a router arm sends a turn it routed to <paramref name="engine"/>, and the model it names there.</summary>
    (Uri Url, string Model) ClientRoute(EngineProfile engine, string model);

    /// <summary>Kills an engine (its streams break, its port refuses from then on).</summary>
    void Kill(string engineId);
}
