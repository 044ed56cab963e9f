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
}
