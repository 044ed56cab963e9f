using GenieHive.Contracts.Cluster;

namespace GenieHive.Contracts.Routing;

/// <summary>
/// What changed in the routing table from <see cref="FromVersion"/> to <see cref="Version"/> of one history
/// (<see cref="TableId"/>): the watch's answer to a facade that holds <c>FromVersion</c> and asked for deltas
/// (<c>GET /v1/cluster/routing-table?after=N&amp;table_id=...&amp;delta=true</c>, header
/// <c>X-GenieHive-Routing-Format: delta</c>). Elements are whole (an upsert replaces the element with that key);
/// removals name keys (<see cref="RoutingTableKeys"/>). The settings are always sent, they are a few bytes.
/// </summary>
public sealed record RoutingTableDelta
{
    public required string TableId { get; init; }

    /// <summary>The version this delta applies to: the one the facade holds.</summary>
    public required long FromVersion { get; init; }

    /// <summary>The version the facade holds once the delta is applied.</summary>
    public required long Version { get; init; }

    public required double GeneratedAt { get; init; }
    public required string Strategy { get; init; }
    public required int HostTimeoutSeconds { get; init; }

    /// <summary>Services added or changed, whole.</summary>
    public List<ServiceView> Services { get; set; } = [];

    /// <summary>Service ids no longer in the table.</summary>
    public List<string> RemovedServices { get; set; } = [];

    public List<HostView> Hosts { get; set; } = [];
    public List<string> RemovedHosts { get; set; } = [];
    public List<RoleView> Roles { get; set; } = [];
    public List<string> RemovedRoles { get; set; } = [];
    public List<BenchmarkSample> Benchmarks { get; set; } = [];

    /// <summary>Benchmark ids no longer counted.</summary>
    public List<string> RemovedBenchmarks { get; set; } = [];
}

/// <summary>The key that identifies each element of a routing table, for deltas and for applying them: defined once here.</summary>
public static class RoutingTableKeys
{
    public static string Of(ServiceView service) => service.ServiceId;

    public static string Of(HostView host) => host.HostId;

    public static string Of(RoleView role) => role.RoleId;

    public static string Of(BenchmarkSample sample) => sample.BenchmarkId;
}

/// <summary>The routing watch's wire names (query parameters and headers), shared by Control and its clients.</summary>
public static class RoutingWatchWire
{
    public const string FormatHeader = "X-GenieHive-Routing-Format";
    public const string VersionHeader = "X-GenieHive-Routing-Version";
    public const string TableIdHeader = "X-GenieHive-Routing-Table-Id";
    public const string FullFormat = "full";
    public const string DeltaFormat = "delta";
}
