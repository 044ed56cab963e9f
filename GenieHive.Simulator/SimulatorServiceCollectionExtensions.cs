using GenieHive.Simulator.Embeddings;
using GenieHive.Simulator.Engine;
using GenieHive.Simulator.Faults;
using GenieHive.Simulator.Generation;
using GenieHive.Simulator.Models;
using GenieHive.Simulator.Transcriptions;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GenieHive.Simulator;

/// <summary>Registration of the simulated engine.</summary>
public static class SimulatorServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <see cref="SimulatorOptions"/> (section <c>Simulator</c>, failing at start-up when
    /// invalid) and registers the engine: model catalog and residency, slots and their prompt cache, shared compute,
    /// pacing, counters, faults and the endpoint services.
    /// </summary>
    public static IHostApplicationBuilder AddSimulatorServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SimulatorOptions>()
            .BindConfiguration(SimulatorOptions.SectionName)
            .PostConfigure(ApplyDefaultModels)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ModelCatalog>();
        builder.Services.AddSingleton<SlotPool>();
        builder.Services.AddSingleton<PromptCache>();
        builder.Services.AddSingleton<ModelResidency>();
        builder.Services.AddSingleton<SharedThroughput>();
        builder.Services.AddSingleton<PreciseClock>();
        builder.Services.AddSingleton<GenerationPacer>();
        builder.Services.AddSingleton<EngineCounters>();
        builder.Services.AddSingleton<SimulatorStats>();
        builder.Services.AddSingleton<FaultInjector>();
        builder.Services.AddSingleton<FaultGate>();
        builder.Services.AddSingleton<GenerationService>();
        builder.Services.AddSingleton<EmbeddingsService>();
        builder.Services.AddSingleton<Rerank.RerankService>();
        builder.Services.AddSingleton<TranscriptionsService>();
        builder.Services.AddHostedService<SimulatorStartupLog>();
        return builder;
    }

    // Lists bind by appending to what is there, so the defaults are applied only when nothing was configured.
    private static void ApplyDefaultModels(SimulatorOptions options)
    {
        if (options.ChatModels.Count == 0)
        {
            options.ChatModels.Add("sim-chat");
        }

        if (options.EmbeddingModels.Count == 0)
        {
            options.EmbeddingModels.Add("sim-embed");
        }

        if (options.TranscriptionModels.Count == 0)
        {
            options.TranscriptionModels.Add("sim-whisper");
        }
    }
}
