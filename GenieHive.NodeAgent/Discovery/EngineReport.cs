namespace GenieHive.NodeAgent.Discovery;

/// <summary>What an engine said about itself in one discovery pass.</summary>
internal sealed record EngineReport
{
    /// <summary>The engine's name as reported in <c>runtime.engine</c> when none is configured.</summary>
    public required string Engine { get; init; }

    public IReadOnlyList<DiscoveredAsset> Assets { get; init; } = [];

    /// <summary>
    /// True when the engine says exactly what is loaded (Ollama's <c>/api/ps</c>): a model it does not list is
    /// not loaded, whatever the configuration claimed.
    /// </summary>
    public bool LoadedIsAuthoritative { get; init; }

    /// <summary>The context the server runs with (llama.cpp <c>n_ctx</c>), in tokens.</summary>
    public int? ContextSize { get; init; }

    /// <summary>Parallel slots the server has (llama.cpp <c>total_slots</c>).</summary>
    public int? TotalSlots { get; init; }

    /// <summary>Requests waiting for a slot.</summary>
    public int? QueueDepth { get; init; }

    /// <summary>Requests being processed.</summary>
    public int? InFlight { get; init; }

    public int? LoadedModelCount { get; init; }
    public long? VramUsedBytes { get; init; }

    /// <summary>Client protocols the engine is known to answer natively (<c>runtime.protocols</c>), added to the configured ones.</summary>
    public IReadOnlyList<string> Protocols { get; init; } = [];
}

/// <summary>A model as the engine lists it.</summary>
internal sealed record DiscoveredAsset(string AssetId, bool Loaded, int? ContextSize = null);

/// <summary>The result of asking an engine: a report, or why it could not be had.</summary>
internal sealed record DiscoveryOutcome(EngineReport? Report, string? Failure)
{
    public static DiscoveryOutcome NotApplicable { get; } = new(null, null);

    public bool Failed => Failure is not null;

    public static DiscoveryOutcome Success(EngineReport report) => new(report, null);

    public static DiscoveryOutcome Fail(string failure) => new(null, failure);
}
