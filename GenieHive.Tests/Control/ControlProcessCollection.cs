namespace GenieHive.Tests.Control;

/// <summary>
/// Tests that start Control processes or measure timings run alone, after the parallel ones: on two shared
/// cores, a concurrent test would be what they measure.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ControlProcessCollection
{
    public const string Name = "Control processes and timings";
}
