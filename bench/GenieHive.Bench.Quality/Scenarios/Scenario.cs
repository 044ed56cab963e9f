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

    /// <summary>
    /// How long after the arrival window the last session still thinks between its turns (the longest session's think
    /// times): an arm's time runs out this much, plus the drain, after the window.
    /// </summary>
    public double ThinkingSeconds => Sessions.Count == 0 ? 0 : Sessions.Max(s => s.FollowUps.Sum(f => f.ThinkSeconds));

    /// <summary>Time to first token that counts a request as good (goodput).</summary>
    public required double TtftTargetSeconds { get; init; }

    /// <summary>The offered load as a share of the cluster's capacity, when the trace is built from one (for the report).</summary>
    public double? OfferedLoad { get; init; }

    /// <summary>An engine killed during the run, and when (seconds into the trace).</summary>
    public EngineKill? Kill { get; init; }

    /// <summary>Whether arms that route client-side address the engines directly (<see cref="Cluster.ScenarioEngines.ClientRoute"/>).</summary>
    public bool ClientArmsDirect => Engines.Any(engine => engine.Models.Count > 1);

    /// <summary>
    /// The service id an engine registers under: the scenario's name and the engine's, so that the scenarios of an arm,
    /// run one after the other on one control plane, never share a service (nor its measurements or cooldowns).
    /// </summary>
    public string ServiceId(EngineProfile engine) => Name + "-" + engine.Id;

    /// <summary>The engine a service id (as in <c>X-GenieHive-Service</c>) belongs to, or null when it is not this scenario's.</summary>
    public string? EngineOf(string? serviceId) =>
        Engines.FirstOrDefault(engine => string.Equals(ServiceId(engine), serviceId, StringComparison.Ordinal))?.Id;

    /// <summary>The models the sessions ask for.</summary>
    public IReadOnlyList<string> Models => [.. Engines.SelectMany(engine => engine.Models).Distinct(StringComparer.Ordinal)];
}

/// <summary>Kills engine <paramref name="EngineId"/> (its simulator process) <paramref name="AtSeconds"/> into the trace.</summary>
internal sealed record EngineKill(string EngineId, double AtSeconds);
