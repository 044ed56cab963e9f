using System.Globalization;

namespace GenieHive.Bench.Quality.Engines;

/// <summary>
/// One simulated engine's true parameters: what its simulator is started with, and so what the reference router
/// knows. Its service id in the cluster is <see cref="Id"/>.
/// </summary>
internal sealed record EngineProfile
{
    public required string Id { get; init; }

    public required IReadOnlyList<string> Models { get; init; }

    public int TimeToFirstTokenMs { get; init; }

    public double TokensPerSecond { get; init; }

    public int Slots { get; init; }

    /// <summary>Prefill speed; 0 costs nothing per prompt token.</summary>
    public double PromptTokensPerSecond { get; init; }

    public bool PromptCache { get; init; }

    /// <summary>Tokens of prompts the engine keeps beyond its slots (llama-server's host-memory prompt cache).</summary>
    public int PromptCacheTokens { get; init; }

    public double DecodeContention { get; init; }

    /// <summary>Time to load a model that is not in memory; 0 keeps every model loaded.</summary>
    public int ModelLoadMs { get; init; }

    /// <summary>How many models fit in memory at once when models load on demand; 0 is no limit.</summary>
    public int ModelsInMemory { get; init; }

    /// <summary>Models in memory at start-up (when models load on demand).</summary>
    public IReadOnlyList<string> Preloaded { get; init; } = [];

    public int ContextSize { get; init; } = 16_384;

    /// <summary>Memory per model (MiB) the simulator is told; the budget is <see cref="ModelsInMemory"/> of them.</summary>
    public const int ModelSizeMb = 1_000;

    /// <summary>The simulator's command line (after <c>--urls</c>).</summary>
    public IEnumerable<string> SimulatorArguments()
    {
        for (var i = 0; i < Models.Count; i++)
        {
            yield return Setting("ChatModels:" + Number(i), Models[i]);
        }

        yield return Setting("TimeToFirstTokenMs", Number(TimeToFirstTokenMs));
        yield return Setting("TokensPerSecond", Number(TokensPerSecond));
        yield return Setting("Slots", Number(Slots));
        yield return Setting("LatencyMs", "0");
        yield return Setting("ContextSize", Number(ContextSize));
        yield return Setting("PromptTokensPerSecond", Number(PromptTokensPerSecond));
        yield return Setting("PromptCache", PromptCache ? "true" : "false");
        yield return Setting("PromptCacheTokens", Number(PromptCacheTokens));
        yield return Setting("DecodeContention", Number(DecodeContention));
        yield return Setting("ModelLoadMs", Number(ModelLoadMs));
        yield return Setting("ModelSizeMb", Number(ModelSizeMb));
        yield return Setting("MemoryBudgetMb", Number(ModelsInMemory * ModelSizeMb));
        for (var i = 0; i < Preloaded.Count; i++)
        {
            yield return Setting("PreloadedModels:" + Number(i), Preloaded[i]);
        }

        // The engines serve the traffic; they are not what is measured: warnings only.
        yield return "--Logging:LogLevel:Default=Warning";
    }

    /// <summary>
    /// Seconds from taking a slot to the last of <paramref name="completionTokens"/> tokens, with
    /// <paramref name="uncachedPromptTokens"/> to prefill and <paramref name="busy"/> slots sharing the compute
    /// (the simulator's own schedule: time to first token, prefill, then one token per 1/TokensPerSecond).
    /// </summary>
    public double ServiceSeconds(int uncachedPromptTokens, int completionTokens, int busy) =>
        FirstTokenSeconds(uncachedPromptTokens, busy) + (DecodeSeconds(completionTokens) * Slowdown(busy));

    /// <summary>Seconds from taking a slot to the first token.</summary>
    public double FirstTokenSeconds(int uncachedPromptTokens, int busy) =>
        (TimeToFirstTokenMs / 1000.0) + (PromptTokensPerSecond > 0 ? uncachedPromptTokens / PromptTokensPerSecond * Slowdown(busy) : 0);

    /// <summary>Requests per second the engine completes with every slot busy, for a request of this shape (nothing cached).</summary>
    public double Capacity(int promptTokens, int completionTokens) => Slots / ServiceSeconds(promptTokens, completionTokens, Slots);

    private double DecodeSeconds(int completionTokens) => TokensPerSecond > 0 ? Math.Max(0, completionTokens - 1) / TokensPerSecond : 0;

    private double Slowdown(int busy) => 1 + (DecodeContention * Math.Max(0, busy - 1));

    private static string Setting(string key, string value) => "--Simulator:" + key + "=" + value;

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
}
