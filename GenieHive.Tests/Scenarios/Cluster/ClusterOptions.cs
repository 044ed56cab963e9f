using Microsoft.Extensions.Logging;

namespace GenieHive.Tests.Scenarios.Cluster;

/// <summary>
/// The knobs of a scenario cluster. Intervals are short so that what takes seconds in production takes a
/// fraction here: heartbeats every 0.25 s, hosts stale after 2 s, cooldowns from 0.5 s.
/// </summary>
public sealed record ClusterOptions
{
    /// <summary>Control's <c>GenieHive:Routing:HostTimeoutSeconds</c>.</summary>
    public int HostTimeoutSeconds { get; init; } = 2;

    /// <summary>Every agent's <c>HeartbeatIntervalSeconds</c> (and discovery interval).</summary>
    public double HeartbeatSeconds { get; init; } = 0.25;

    /// <summary>The facade's <c>GenieHive:Cooldown:BaseSeconds</c>.</summary>
    public double CooldownBaseSeconds { get; init; } = 0.5;

    /// <summary>The facade's <c>GenieHive:Cooldown:MaxSeconds</c>.</summary>
    public double CooldownMaxSeconds { get; init; } = 4;

    /// <summary>The facade's <c>GenieHive:Proxy:FirstByteTimeoutSeconds</c>.</summary>
    public double FirstByteTimeoutSeconds { get; init; } = 10;

    /// <summary>A roles YAML document for Control; null runs without a catalog (names of assets and services route).</summary>
    public string? RolesYaml { get; init; }

    /// <summary>Control's <c>GenieHive:Routing:Strategy</c>.</summary>
    public string Strategy { get; init; } = "scored";

    /// <summary>The level every service logs at into the scenario's sink.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Warning;

    public IReadOnlyDictionary<string, string?> ControlSettings { get; init; } = new Dictionary<string, string?>();

    public IReadOnlyDictionary<string, string?> FacadeSettings { get; init; } = new Dictionary<string, string?>();

    public IReadOnlyDictionary<string, string?> AgentSettings { get; init; } = new Dictionary<string, string?>();
}

/// <summary>One model server a node agent is told about (<c>GenieHive:Node:Services:N</c>).</summary>
/// <param name="ServiceId">Unique in the cluster.</param>
/// <param name="Endpoint">The server's root URL.</param>
/// <param name="AssetId">A configured asset (loaded), or null to leave the list to discovery.</param>
/// <param name="Discover"><c>none</c>, <c>openai</c>, <c>llamacpp</c>, ...</param>
public sealed record ServiceSpec(string ServiceId, Uri Endpoint, string? AssetId, string Discover = "none")
{
    public string Kind { get; init; } = "chat";

    /// <summary>Configured starting values (<c>Observed:*</c>, for example <c>P50LatencyMs</c>).</summary>
    public IReadOnlyDictionary<string, string> Observed { get; init; } = new Dictionary<string, string>();
}
