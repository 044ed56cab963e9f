using GenieHive.Contracts.Json;
using GenieHive.Contracts.Routing;

namespace GenieHive.Control.Routing;

/// <summary>A routing table's four collections, serialized element by element (<see cref="ElementSet"/>).</summary>
internal sealed record TableElements(ElementSet Services, ElementSet Hosts, ElementSet Roles, ElementSet Benchmarks)
{
    public static TableElements Empty { get; } = new(ElementSet.Empty, ElementSet.Empty, ElementSet.Empty, ElementSet.Empty);

    public long TotalBytes => Services.TotalBytes + Hosts.TotalBytes + Roles.TotalBytes + Benchmarks.TotalBytes;

    /// <summary>The elements of <paramref name="table"/>, reusing <paramref name="previous"/>'s bytes of those unchanged.</summary>
    public static TableElements Of(RoutingTable table, TableElements? previous = null)
    {
        var json = GenieHiveJsonContext.Default;
        return new TableElements(
            ElementSet.Of(table.Services, RoutingTableKeys.Of, json.ServiceView, previous?.Services),
            ElementSet.Of(table.Hosts, RoutingTableKeys.Of, json.HostView, previous?.Hosts),
            ElementSet.Of(table.Roles, RoutingTableKeys.Of, json.RoleView, previous?.Roles),
            ElementSet.Of(table.Benchmarks, RoutingTableKeys.Of, json.BenchmarkSample, previous?.Benchmarks));
    }

    /// <summary>The step from <paramref name="previous"/> (version <paramref name="fromVersion"/>) to this one.</summary>
    public TableChange Since(TableElements previous, long fromVersion, long version) => new(
        fromVersion,
        version,
        Services.Since(previous.Services),
        Hosts.Since(previous.Hosts),
        Roles.Since(previous.Roles),
        Benchmarks.Since(previous.Benchmarks));
}

/// <summary>What changed from one version to another of one history, per collection.</summary>
internal sealed record TableChange(
    long FromVersion, long Version, ElementChange Services, ElementChange Hosts, ElementChange Roles, ElementChange Benchmarks)
{
    public long UpsertedBytes => Services.UpsertedBytes + Hosts.UpsertedBytes + Roles.UpsertedBytes + Benchmarks.UpsertedBytes;

    /// <summary>Consecutive steps as one change from the first's <see cref="FromVersion"/> to the last's <see cref="Version"/>.</summary>
    public static TableChange Compose(IReadOnlyList<TableChange> steps) => steps.Count == 1
        ? steps[0]
        : new TableChange(
            steps[0].FromVersion,
            steps[^1].Version,
            ElementChange.Compose(steps.Select(static step => step.Services)),
            ElementChange.Compose(steps.Select(static step => step.Hosts)),
            ElementChange.Compose(steps.Select(static step => step.Roles)),
            ElementChange.Compose(steps.Select(static step => step.Benchmarks)));
}
