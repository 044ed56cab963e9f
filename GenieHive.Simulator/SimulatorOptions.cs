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
    /// Prompt processing (prefill) speed in prompt tokens per second: every prompt token the slot does not already
    /// hold costs 1/this before the first token, on top of <see cref="TimeToFirstTokenMs"/>. Default 0: no prefill
    /// cost (the time to first token is <see cref="TimeToFirstTokenMs"/> whatever the prompt).
    /// </summary>
    [Range(0, 10_000_000)]
    public double PromptTokensPerSecond { get; set; }

    /// <summary>
    /// llama-server's prompt cache (<c>cache_prompt</c>): each slot keeps its last prompt and answer, a request reuses
    /// the longest common prefix with the slot it gets (reported as <c>timings.cache_n</c> and
    /// <c>usage.prompt_tokens_details.cached_tokens</c>, and not charged prefill), and free slots are chosen by prompt
    /// similarity (<see cref="SlotPromptSimilarity"/>), else least recently used. A request's <c>"cache_prompt": false</c>
    /// opts out. Default false: nothing is reused.
    /// </summary>
    public bool PromptCache { get; set; }

    /// <summary>
    /// llama-server's <c>--slot-prompt-similarity</c>: a free slot is chosen for its cached prompt when the common prefix
    /// covers more than this fraction of the new prompt (the most similar wins); 0 disables the choice (least recently
    /// used only). Only with <see cref="PromptCache"/>. Default 0.10, llama-server's.
    /// </summary>
    [Range(0, 1)]
    public double SlotPromptSimilarity { get; set; } = 0.10;

    /// <summary>
    /// Tokens of prompts kept beyond the slots (llama-server's host-memory prompt cache, <c>--cache-ram</c>, counted in
    /// tokens): a slot about to lose most of its prompt saves it here, and a request restores the best match from
    /// here; the oldest entries go first when the total passes this. Only with <see cref="PromptCache"/>. Default 0:
    /// no cache beyond the slots.
    /// </summary>
    [Range(0, 100_000_000)]
    public int PromptCacheTokens { get; set; }

    /// <summary>
    /// How much the slots slow each other down, 0 to 1: while n slots process prompts or generate, each runs at
    /// 1 / (1 + DecodeContention × (n − 1)) of its speed (<see cref="TokensPerSecond"/>, <see cref="PromptTokensPerSecond"/>).
    /// 1 shares a fixed throughput among the busy slots (an engine bound by its compute); 0 (default) lets every slot run
    /// at full speed whatever the others do.
    /// </summary>
    [Range(0, 1)]
    public double DecodeContention { get; set; }

    /// <summary>
    /// Milliseconds to load a chat model into memory. Above 0, chat models load on demand: a request for one that is not
    /// loaded waits for its load (requests for it meanwhile wait too), and loaded models are evicted, least recently used
    /// first and only when idle, to stay within <see cref="MemoryBudgetMb"/>; <c>/api/ps</c> lists the loaded ones and
    /// <c>/v1/models</c> gives each a <c>status</c>. Default 0: every chat model is loaded from the start, for good.
    /// </summary>
    [Range(0, 600_000)]
    public int ModelLoadMs { get; set; }

    /// <summary>Memory one chat model takes when loaded, in MiB (<c>/api/ps</c> <c>size</c>, the budget's unit). Default 4700.</summary>
    [Range(1, 10_000_000)]
    public int ModelSizeMb { get; set; } = 4700;

    /// <summary>Memory for loaded chat models, in MiB; 0 (default) is unlimited. Only with <see cref="ModelLoadMs"/>.</summary>
    [Range(0, 100_000_000)]
    public int MemoryBudgetMb { get; set; }

    /// <summary>Chat models already loaded at start-up when models load on demand (<see cref="ModelLoadMs"/>). Default none.</summary>
    public List<string> PreloadedModels { get; set; } = [];

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

        foreach (var (name, value) in new[]
                 {
                     (nameof(TokensPerSecond), TokensPerSecond),
                     (nameof(PromptTokensPerSecond), PromptTokensPerSecond),
                     (nameof(SlotPromptSimilarity), SlotPromptSimilarity),
                     (nameof(DecodeContention), DecodeContention),
                 })
        {
            if (!double.IsFinite(value))
            {
                yield return new ValidationResult($"{SectionName}:{name} must be a finite number.", [name]);
            }
        }

        foreach (var model in PreloadedModels)
        {
            if (!ChatModels.Contains(model, StringComparer.Ordinal))
            {
                yield return new ValidationResult($"{SectionName}:{nameof(PreloadedModels)} names '{model}', which is not one of the chat models.", [nameof(PreloadedModels)]);
            }
        }

        var preloaded = PreloadedModels.Distinct(StringComparer.Ordinal).Count();
        if (MemoryBudgetMb > 0 && (long)preloaded * ModelSizeMb > MemoryBudgetMb)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(PreloadedModels)} needs {(long)preloaded * ModelSizeMb} MiB, more than {SectionName}:{nameof(MemoryBudgetMb)} ({MemoryBudgetMb}).",
                [nameof(PreloadedModels)]);
        }

        if (MemoryBudgetMb > 0 && ModelSizeMb > MemoryBudgetMb)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(ModelSizeMb)} ({ModelSizeMb}) does not fit {SectionName}:{nameof(MemoryBudgetMb)} ({MemoryBudgetMb}): no model could ever load.",
                [nameof(ModelSizeMb)]);
        }
    }
}
