using System.ComponentModel.DataAnnotations;

namespace GenieHive.Simulator;

/// <summary>
/// How the simulated engine behaves: which models it serves, how fast it answers and how many requests it
/// processes at once. Bound to the <c>Simulator</c> section (environment: <c>Simulator__TokensPerSecond=100</c>,
/// lists as <c>Simulator__ChatModels__0=sim-chat</c>) and validated at start-up.
/// </summary>
public sealed class SimulatorOptions : IValidatableObject
{
    /// <summary>The configuration section the options bind to.</summary>
    public const string SectionName = "Simulator";

    /// <summary>Chat models served by <c>/v1/chat/completions</c> and <c>/v1/completions</c>. Default <c>["sim-chat"]</c> (when the list is empty).</summary>
    public List<string> ChatModels { get; set; } = [];

    /// <summary>Embedding models served by <c>/v1/embeddings</c>. Default <c>["sim-embed"]</c> (when the list is empty).</summary>
    public List<string> EmbeddingModels { get; set; } = [];

    /// <summary>Transcription models served by <c>/v1/audio/transcriptions</c>. Default <c>["sim-whisper"]</c> (when the list is empty).</summary>
    public List<string> TranscriptionModels { get; set; } = [];

    /// <summary>Milliseconds from the moment a request holds a slot until its first generated token. Default 50.</summary>
    [Range(0, 600_000)]
    public int TimeToFirstTokenMs { get; set; } = 50;

    /// <summary>Generation speed in tokens per second after the first token; 0 generates as fast as possible. Default 100.</summary>
    [Range(0, 1_000_000)]
    public double TokensPerSecond { get; set; } = 100;

    /// <summary>Requests processed in parallel (llama.cpp's <c>--parallel</c>); later ones queue FIFO for a free slot. Default 4.</summary>
    [Range(1, 4096)]
    public int Slots { get; set; } = 4;

    /// <summary>Context size in tokens per slot; prompt plus generated tokens beyond it answer 400 <c>exceed_context_size_error</c>. Default 4096.</summary>
    [Range(16, 16_777_216)]
    public int ContextSize { get; set; } = 4096;

    /// <summary>Extra fixed milliseconds added to every model request (chat, completions, embeddings, transcriptions), spent holding a slot. Default 0.</summary>
    [Range(0, 600_000)]
    public int LatencyMs { get; set; }

    /// <summary>Tokens generated when a request sets neither <c>max_tokens</c> nor <c>max_completion_tokens</c>. Default 16.</summary>
    [Range(1, 1_000_000)]
    public int CompletionTokens { get; set; } = 16;

    /// <summary>Length of every embedding vector (a request's <c>dimensions</c> may shorten it). Default 64.</summary>
    [Range(1, 65_536)]
    public int EmbeddingDimensions { get; set; } = 64;

    /// <summary>
    /// When false (default), <c>/v1/models</c> lists only the chat models, as llama-server lists the one model it
    /// serves; when true it lists chat, embedding and transcription models.
    /// </summary>
    public bool ListAllModels { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, list) in new[]
                 {
                     (nameof(ChatModels), ChatModels),
                     (nameof(EmbeddingModels), EmbeddingModels),
                     (nameof(TranscriptionModels), TranscriptionModels),
                 })
        {
            foreach (var model in list)
            {
                if (string.IsNullOrWhiteSpace(model))
                {
                    yield return new ValidationResult($"{SectionName}:{name} contains an empty model id.", [name]);
                }
            }
        }

        if (double.IsNaN(TokensPerSecond) || double.IsInfinity(TokensPerSecond))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(TokensPerSecond)} must be a finite number.", [nameof(TokensPerSecond)]);
        }
    }
}
