namespace GenieHive.AppHost;

/// <summary>A host of the default cluster: one engine simulator and the node agent that reports it.</summary>
public sealed record SimulatedHost(string Name, string DisplayName, SimulatorProfile Engine, IReadOnlyList<SimulatedService> Services);

/// <summary>How fast the simulated engine is, and which models it serves.</summary>
public sealed record SimulatorProfile(
    int TimeToFirstTokenMs,
    int TokensPerSecond,
    int Slots,
    IReadOnlyList<string> ChatModels,
    IReadOnlyList<string> EmbeddingModels,
    IReadOnlyList<string> TranscriptionModels,
    int ContextSize);

/// <summary>A service the node agent registers for the simulated engine.</summary>
public sealed record SimulatedService(string ServiceId, string Kind, string Discover, IReadOnlyList<string> Assets);

/// <summary>
/// The two hosts of a fresh checkout: a fast one and a slower one with a second model, so that the
/// dashboard shows a small cluster and roles have a real choice to make.
/// </summary>
public static class SimulatedHosts
{
    public static SimulatedHost Alpha { get; } = new(
        "alpha",
        "Alpha (simulated, fast)",
        new SimulatorProfile(
            TimeToFirstTokenMs: 40,
            TokensPerSecond: 120,
            Slots: 4,
            ChatModels: ["qwen3-sim-8b"],
            EmbeddingModels: ["sim-embed-small"],
            TranscriptionModels: ["whisper-sim"],
            ContextSize: 8192),
        [
            new("alpha-chat", "chat", "llamacpp", ["qwen3-sim-8b"]),
            new("alpha-embed", "embeddings", "none", ["sim-embed-small"]),
            new("alpha-whisper", "transcription", "none", ["whisper-sim"]),
        ]);

    public static SimulatedHost Beta { get; } = new(
        "beta",
        "Beta (simulated, slower)",
        new SimulatorProfile(
            TimeToFirstTokenMs: 150,
            TokensPerSecond: 45,
            Slots: 2,
            ChatModels: ["qwen3-sim-8b", "mistral-sim-7b"],
            EmbeddingModels: ["sim-embed-small"],
            TranscriptionModels: [],
            ContextSize: 32768),
        [
            new("beta-chat", "chat", "llamacpp", ["qwen3-sim-8b", "mistral-sim-7b"]),
            new("beta-embed", "embeddings", "none", ["sim-embed-small"]),
        ]);
}
