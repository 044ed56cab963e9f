namespace GenieHive.Tests.Scenarios;

/// <summary>
/// The end-to-end scenarios that measure time (failover, staleness, cancellation latency, restarts) run one at
/// a time, after the parallel tests: on two shared cores a neighbour would be part of what they measure.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScenarioCollection
{
    public const string Name = "End-to-end scenarios";
}
