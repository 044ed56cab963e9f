using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace GenieHive.Contracts.Nodes;

/// <summary>One callable capability on a host, as a node agent reports it.</summary>
public sealed record RegisteredService
{
    public required string ServiceId { get; init; }

    /// <summary>Accepted for compatibility with the earlier wire; the registering host's id is what counts.</summary>
    public string? HostId { get; init; }

    /// <summary><c>chat</c>, <c>embeddings</c> or <c>transcription</c>.</summary>
    public required string Kind { get; init; }

    public string Protocol { get; set; } = "openai";

    /// <summary>The model server's root URL, without <c>/v1</c>.</summary>
    public required string Endpoint { get; init; }

    public ServiceRuntime? Runtime { get; init; }
    public List<ServiceAsset> Assets { get; set; } = [];
    public ServiceState? State { get; init; }
    public ServiceObserved? Observed { get; init; }
}

/// <summary>What runs the service. Unknown keys are kept (they feed match text and context limits).</summary>
public sealed record ServiceRuntime
{
    public string? Engine { get; init; }
    public string? Launcher { get; init; }
    public int? ContextSize { get; init; }
    public int? MaxContextTokens { get; init; }

    /// <summary>
    /// The client protocols the engine answers natively besides chat completions (<see cref="ClientProtocols"/>:
    /// <c>anthropic.messages</c>, <c>openai.responses</c>); the facade translates the others to chat completions.
    /// </summary>
    public List<string>? Protocols { get; init; }

    // A setter, not init: System.Text.Json cannot bind extension data through the init-only member initializer path.
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>A model a service can serve. <see cref="AssetId"/> is the name clients use.</summary>
public sealed record ServiceAsset
{
    public required string AssetId { get; init; }
    public bool Loaded { get; init; }
    public int? ContextSize { get; init; }
    public int? MaxContextTokens { get; init; }
    public RequestPolicy? RequestPolicy { get; init; }
}

/// <summary>How a request is shaped before it is forwarded (asset or role level).</summary>
public sealed record RequestPolicy
{
    /// <summary>Deep-merged into the request body; the caller's values win at every level.</summary>
    public JsonObject? BodyDefaults { get; init; }
    public string? SystemPrompt { get; init; }

    /// <summary><c>prepend</c> (default), <c>append</c> or <c>replace</c>.</summary>
    public string? SystemPromptPosition { get; init; }
}

/// <summary>Live state of a service. A missing <see cref="Health"/> is not routable.</summary>
public sealed record ServiceState
{
    public string? Health { get; init; }
    public string? LoadState { get; init; }
    public string? Availability { get; init; }
    public bool? AcceptRequests { get; init; }

    /// <summary>Why the node agent reports it unhealthy, when it does.</summary>
    public string? Detail { get; init; }
}

/// <summary>Numbers the node reports for a service: configured starting values or what its engine says.</summary>
public sealed record ServiceObserved
{
    public double? P50LatencyMs { get; init; }
    public double? P95LatencyMs { get; init; }
    public double? TtftMs { get; init; }
    public double? TokensPerSec { get; init; }

    /// <summary>Requests waiting for a slot (llama.cpp deferred, vLLM waiting).</summary>
    public int? QueueDepth { get; init; }

    /// <summary>Requests being processed by the engine.</summary>
    public int? InFlight { get; init; }

    public int? LoadedModelCount { get; init; }
    public long? VramUsedBytes { get; init; }
    public int? MaxContextTokens { get; init; }
}
