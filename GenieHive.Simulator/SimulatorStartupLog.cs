using System.Globalization;
using Microsoft.Extensions.Options;

namespace GenieHive.Simulator;

/// <summary>Says once, at start-up, what this simulated engine serves and how fast it is.</summary>
public sealed partial class SimulatorStartupLog(IOptions<SimulatorOptions> options, ILogger<SimulatorStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var value = options.Value;
        LogStarted(
            logger,
            string.Join(", ", value.ChatModels),
            string.Join(", ", value.EmbeddingModels),
            string.Join(", ", value.TranscriptionModels),
            value.Slots,
            value.ContextSize,
            value.TimeToFirstTokenMs,
            value.TokensPerSecond.ToString(CultureInfo.InvariantCulture),
            value.LatencyMs);
        if (value.PromptTokensPerSecond > 0 || value.PromptCache || value.DecodeContention > 0 || value.ModelLoadMs > 0)
        {
            LogUnderLoad(
                logger,
                value.PromptTokensPerSecond.ToString(CultureInfo.InvariantCulture),
                value.PromptCache,
                value.SlotPromptSimilarity.ToString(CultureInfo.InvariantCulture),
                value.PromptCacheTokens,
                value.DecodeContention.ToString(CultureInfo.InvariantCulture),
                value.ModelLoadMs,
                value.MemoryBudgetMb,
                string.Join(", ", value.PreloadedModels));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Simulated engine serving chat [{ChatModels}], embeddings [{EmbeddingModels}], transcription [{TranscriptionModels}] "
            + "with {Slots} slots of {ContextSize} tokens; time to first token {TimeToFirstTokenMs} ms, {TokensPerSecond} tokens/s, latency {LatencyMs} ms")]
    private static partial void LogStarted(
        ILogger logger,
        string chatModels,
        string embeddingModels,
        string transcriptionModels,
        int slots,
        int contextSize,
        int timeToFirstTokenMs,
        string tokensPerSecond,
        int latencyMs);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Engine under load: prefill {PromptTokensPerSecond} prompt tokens/s, prompt cache {PromptCache} (slot similarity {SlotPromptSimilarity}, "
            + "{PromptCacheTokens} tokens beyond the slots), decode contention {DecodeContention}, model load {ModelLoadMs} ms within {MemoryBudgetMb} MiB "
            + "(0: unlimited), preloaded [{PreloadedModels}]")]
    private static partial void LogUnderLoad(
        ILogger logger,
        string promptTokensPerSecond,
        bool promptCache,
        string slotPromptSimilarity,
        int promptCacheTokens,
        string decodeContention,
        int modelLoadMs,
        int memoryBudgetMb,
        string preloadedModels);
}
