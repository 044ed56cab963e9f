using System.ComponentModel.DataAnnotations;

namespace GenieHive.NodeAgent.Configuration;

/// <summary>
/// The node agent's configuration (<c>GenieHive:Node</c>). Control's address is not here: it is
/// <c>services:control:http:0</c>, resolved by service discovery like every service-to-service call.
/// </summary>
public sealed class NodeOptions
{
    public const string SectionName = "GenieHive:Node";

    /// <summary>This host's id in the cluster. Default: the machine name.</summary>
    public string? HostId { get; set; }

    /// <summary>A human-friendly name shown by Control. Optional.</summary>
    public string? DisplayName { get; set; }

    /// <summary>The address of this host as Control and operators see it. Default <c>127.0.0.1</c>.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>Free-form labels reported with the host (for example <c>gpu=rtx4090</c>).</summary>
    public Dictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Sent to Control as <c>X-GenieHive-Node-Key</c>; never logged and never shown by the node API.</summary>
    public string? NodeApiKey { get; set; }

    /// <summary>Seconds between heartbeats to Control. Default 5.</summary>
    [Range(0.05, 86_400)]
    public double HeartbeatIntervalSeconds { get; set; } = 5;

    /// <summary>Seconds between discovery and health-probe passes over the services. Default: the heartbeat interval.</summary>
    [Range(0.05, 86_400)]
    public double? DiscoveryIntervalSeconds { get; set; }

    /// <summary>Upper bound, in seconds, of every single request to a model server. Default 3.</summary>
    [Range(0.05, 600)]
    public double ProbeTimeoutSeconds { get; set; } = 3;

    /// <summary>Consecutive failed passes (unreachable, timed out, discovery failed) before a service is reported unhealthy. Default 3.</summary>
    [Range(1, 1_000)]
    public int UnhealthyAfterFailures { get; set; } = 3;

    /// <summary>
    /// With no services configured, probe the usual local engine ports and register what answers. Default true.
    /// </summary>
    public bool AutoDiscover { get; set; } = true;

    /// <summary>
    /// Where zero-configuration start looks. Default: Ollama on <c>http://127.0.0.1:11434</c>, llama.cpp on
    /// <c>http://127.0.0.1:8080</c>, vLLM on <c>http://127.0.0.1:8000</c>.
    /// </summary>
    public List<AutoDiscoverEndpointOptions> AutoDiscoverEndpoints { get; set; } = [];

    /// <summary>The model servers of this host.</summary>
    public List<NodeServiceOptions> Services { get; set; } = [];

    public TimeSpan HeartbeatInterval => TimeSpan.FromSeconds(HeartbeatIntervalSeconds);

    public TimeSpan DiscoveryInterval => TimeSpan.FromSeconds(DiscoveryIntervalSeconds ?? HeartbeatIntervalSeconds);

    public TimeSpan ProbeTimeout => TimeSpan.FromSeconds(ProbeTimeoutSeconds);

    /// <summary>The host id after defaults (set by post-configuration, so never empty once validated).</summary>
    public string EffectiveHostId => string.IsNullOrWhiteSpace(HostId) ? Environment.MachineName : HostId;
}

/// <summary>One place zero-configuration start probes: an engine kind and its root URL.</summary>
public sealed class AutoDiscoverEndpointOptions
{
    /// <summary><c>ollama</c>, <c>llamacpp</c>, <c>vllm</c> or <c>openai</c>: how the answer is read.</summary>
    public string Engine { get; set; } = "";

    /// <summary>The engine's root URL, for example <c>http://127.0.0.1:11434</c>.</summary>
    public string Endpoint { get; set; } = "";
}
