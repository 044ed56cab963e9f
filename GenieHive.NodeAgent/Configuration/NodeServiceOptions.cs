namespace GenieHive.NodeAgent.Configuration;

/// <summary>One model server of this host (<c>GenieHive:Node:Services:N</c>).</summary>
public sealed class NodeServiceOptions
{
    /// <summary>Unique in the cluster; what clients can name directly.</summary>
    public string ServiceId { get; set; } = "";

    /// <summary><c>chat</c>, <c>embeddings</c> or <c>transcription</c>.</summary>
    public string Kind { get; set; } = "";

    /// <summary>The wire the server speaks. Default <c>openai</c>.</summary>
    public string Protocol { get; set; } = "openai";

    /// <summary>The server's root URL, without <c>/v1</c> (for example <c>http://127.0.0.1:8080</c>).</summary>
    public string Endpoint { get; set; } = "";

    /// <summary>How to ask the server what it has: <c>none</c> (default), <c>openai</c>, <c>ollama</c>, <c>llamacpp</c>, <c>vllm</c>.</summary>
    public string Discover { get; set; } = "none";

    /// <summary>The models the server is known to serve; discovery corrects and extends this list.</summary>
    public List<NodeAssetOptions> Assets { get; set; } = [];

    /// <summary>What runs the service: <c>Engine</c>, <c>Launcher</c>, <c>ContextSize</c>, <c>MaxContextTokens</c> and any other key (reported as is).</summary>
    public Dictionary<string, string> Runtime { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Client protocols the server answers natively besides chat completions (<c>anthropic.messages</c>,
    /// <c>openai.responses</c>), for engines discovery cannot tell about; discovery adds what it knows (llama.cpp: both).
    /// </summary>
    public List<string> Protocols { get; set; } = [];

    /// <summary>Starting values until the engine or the facade reports live ones.</summary>
    public NodeObservedOptions? Observed { get; set; }

    /// <summary>Operator-set availability; health is never configured, it is probed.</summary>
    public NodeServiceStateOptions? State { get; set; }
}

/// <summary>A model a service serves (<c>Assets:N</c>).</summary>
public sealed class NodeAssetOptions
{
    public string AssetId { get; set; } = "";

    /// <summary>Whether the model is in memory; discovery overrides it with what the engine says.</summary>
    public bool Loaded { get; set; }

    /// <summary>Context window in tokens the server runs the model with.</summary>
    public int? ContextSize { get; set; }

    /// <summary>The largest context the model supports, in tokens.</summary>
    public int? MaxContextTokens { get; set; }
}

/// <summary>Configured starting values of <c>observed</c> (latency in milliseconds, throughput in tokens per second).</summary>
public sealed class NodeObservedOptions
{
    public double? P50LatencyMs { get; set; }
    public double? P95LatencyMs { get; set; }
    public double? TtftMs { get; set; }
    public double? TokensPerSec { get; set; }
    public int? QueueDepth { get; set; }
    public int? InFlight { get; set; }
    public int? LoadedModelCount { get; set; }
    public long? VramUsedBytes { get; set; }
    public int? MaxContextTokens { get; set; }
}

/// <summary>What the operator decides about a service (<c>State</c>): availability and whether it takes requests.</summary>
public sealed class NodeServiceStateOptions
{
    /// <summary><c>available</c> (default), <c>busy</c>, <c>draining</c>, <c>paused_by_user</c>, <c>offline</c> or <c>quarantined</c>.</summary>
    public string? Availability { get; set; }

    /// <summary>Default true.</summary>
    public bool? AcceptRequests { get; set; }
}
