using GenieHive.Bench.Quality.Engines;
using GenieHive.Bench.Quality.Workload;

namespace GenieHive.Bench.Quality.Scenarios;

/// <summary>
/// One situation the routing is measured in: the engines (true parameters), the trace every arm replays, the time to
/// first token that counts as good, and what happens during the run (an engine killed).
/// </summary>
internal sealed record Scenario
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    public required IReadOnlyList<EngineProfile> Engines { get; init; }

    public required IReadOnlyList<Session> Sessions { get; init; }

    /// <summary>The arrival window, in seconds (sessions may run on after it).</summary>
    public required double TraceSeconds { get; init; }

    /// <summary>Time to first token that counts a request as good (goodput).</summary>
    public required double TtftTargetSeconds { get; init; }

    /// <summary>The offered load as a share of the cluster's capacity, when the trace is built from one (for the report).</summary>
    public double? OfferedLoad { get; init; }

    /// <summary>An engine killed during the run, and when (seconds into the trace).</summary>
    public EngineKill? Kill { get; init; }

    /// <summary>Whether arms that route client-side address the engines directly (<see cref="Cluster.QualityCluster.ClientRoute"/>).</summary>
    public bool ClientArmsDirect => Engines.Any(engine => engine.Models.Count > 1);

    /// <summary>The models the sessions ask for.</summary>
    public IReadOnlyList<string> Models => [.. Engines.SelectMany(engine => engine.Models).Distinct(StringComparer.Ordinal)];
}

/// <summary>Kills engine <paramref name="EngineId"/> (its simulator process) <paramref name="AtSeconds"/> into the trace.</summary>
internal sealed record EngineKill(string EngineId, double AtSeconds);
