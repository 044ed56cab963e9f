using Microsoft.Extensions.Logging;

namespace GenieHive.Tests.Testing;

/// <summary>
/// The knobs of a <see cref="TestCluster"/>. The defaults are the scenario suite's: intervals short so that what takes
/// seconds in production takes a fraction here (heartbeats every 0.25 s, hosts stale after 2 s, cooldowns from 0.5 s).
/// <see cref="Registered"/> is the other shape: hosts the test registers itself, which must never go stale. A null
/// knob leaves the service's own default.
/// </summary>
public sealed record ClusterOptions
{
    /// <summary>
    /// For tests that register hosts themselves (<see cref="TestCluster.RegisterAsync"/>) and share the cluster for a whole
    /// test class: registered hosts never go stale (nothing heartbeats for them; an agent, if one is started, heartbeats
    /// every second); the facade's own cooldowns and connect timeout; no invalid-key throttle (many test classes call
    /// from loopback; the throttle has its own test, NamedKeyTests).
    /// </summary>
    public static ClusterOptions Registered { get; } = new()
    {
        HostTimeoutSeconds = 3600,
        HeartbeatSeconds = 1,
        CooldownBaseSeconds = null,
        CooldownMaxSeconds = null,
        ConnectTimeoutSeconds = null,
        FirstByteTimeoutSeconds = 30,
        StreamIdleTimeoutSeconds = 30,
        ObservationIntervalSeconds = 0.5,
        InvalidKeysPerMinute = 0,
        SimulatorSettings = new Dictionary<string, string?>(),
    };

    /// <summary>Control's <c>GenieHive:Routing:HostTimeoutSeconds</c>.</summary>
    public int HostTimeoutSeconds { get; init; } = 2;

    /// <summary>Every agent's <c>HeartbeatIntervalSeconds</c> (and discovery interval).</summary>
    public double HeartbeatSeconds { get; init; } = 0.25;

    /// <summary>The facade's <c>GenieHive:Cooldown:BaseSeconds</c>.</summary>
    public double? CooldownBaseSeconds { get; init; } = 0.5;

    /// <summary>The facade's <c>GenieHive:Cooldown:MaxSeconds</c>.</summary>
    public double? CooldownMaxSeconds { get; init; } = 4;

    /// <summary>The facade's <c>GenieHive:Proxy:ConnectTimeoutSeconds</c>.</summary>
    public double? ConnectTimeoutSeconds { get; init; } = 2;

    /// <summary>The facade's <c>GenieHive:Proxy:FirstByteTimeoutSeconds</c>.</summary>
    public double? FirstByteTimeoutSeconds { get; init; } = 10;

    /// <summary>The facade's <c>GenieHive:Proxy:StreamIdleTimeoutSeconds</c>.</summary>
    public double? StreamIdleTimeoutSeconds { get; init; } = 10;

    /// <summary>The facade's <c>GenieHive:Observations:IntervalSeconds</c> (how often it reports to Control).</summary>
    public double ObservationIntervalSeconds { get; init; } = 0.2;

    /// <summary>
    /// The facade's <c>GenieHive:RequestRouting:ProbeUnmeasuredServices</c>. Off here: tests count what reaches their
    /// engines (completions, cancellations, cache reuse), and a speed probe of each new service would be one more.
    /// </summary>
    public bool ProbeUnmeasuredServices { get; init; }

    /// <summary>The facade's <c>GenieHive:Auth:InvalidKeysPerMinute</c> (0 turns the throttle off).</summary>
    public int? InvalidKeysPerMinute { get; init; }

    /// <summary>
    /// Control URLs the facades and agents are given before the real Control's (<c>services:control:http:0</c>, ...; the
    /// real one comes after them): a closed port here tests moving to the next Control URL.
    /// </summary>
    public IReadOnlyList<string> LeadingControlUrls { get; init; } = [];

    /// <summary>A roles YAML document for Control; null runs without a catalog (names of assets and services route).</summary>
    public string? RolesYaml { get; init; }

    /// <summary>Control's <c>GenieHive:Routing:Strategy</c>.</summary>
    public string Strategy { get; init; } = "scored";

    /// <summary>The level every service logs at into the cluster's <see cref="LogSink"/>.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Warning;

    public IReadOnlyDictionary<string, string?> ControlSettings { get; init; } = new Dictionary<string, string?>();

    public IReadOnlyDictionary<string, string?> FacadeSettings { get; init; } = new Dictionary<string, string?>();

    public IReadOnlyDictionary<string, string?> AgentSettings { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// <c>Simulator:*</c> keys (without the prefix) every simulator starts with, before its own. The scenario default keeps
    /// answers short and slots plentiful, so that load spreads by routing rather than by queueing.
    /// </summary>
    public IReadOnlyDictionary<string, string?> SimulatorSettings { get; init; } = new Dictionary<string, string?>
    {
        ["CompletionTokens"] = "8",
        ["Slots"] = "16",
    };
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
