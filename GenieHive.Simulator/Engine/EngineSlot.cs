namespace GenieHive.Simulator.Engine;

/// <summary>What a request does with a slot, shown by <c>/slots</c>.</summary>
public enum SlotWork
{
    Completion,
    Embedding,
    Transcription,
}

/// <summary>
/// One of the engine's parallel slots (llama.cpp's <c>--parallel</c>). Its task fields are written by the
/// request that holds it and read by <c>/slots</c> under the pool's lock.
/// </summary>
public sealed class EngineSlot(int id)
{
    public int Id { get; } = id;

    internal bool IsProcessing { get; set; }

    internal long TaskId { get; set; } = -1;

    internal SlotWork Work { get; set; }

    internal int PromptTokens { get; set; }

    internal int TokensToPredict { get; set; }

    internal bool Stream { get; set; }

    /// <summary>Tokens generated so far; written by the request as it generates.</summary>
    internal int Decoded;

    /// <summary>Whether the current task has processed its prompt (reached its first token).</summary>
    internal bool PromptDone { get; set; }

    /// <summary>Prompt tokens the current task reused from the slot's cache (<c>/slots</c> <c>n_prompt_tokens_cache</c>).</summary>
    internal int ReusedTokens { get; set; }

    /// <summary>The model whose prompt and answer the slot holds (prompt cache), or null.</summary>
    internal Models.ServedModel? CachedModel { get; set; }

    /// <summary>The last prompt and answer the slot processed, as token ids (prompt cache), or null.</summary>
    internal TokenSequence? CachedTokens { get; set; }

    /// <summary>When the slot was last released, as a release count (llama-server's <c>t_last_used</c>, for LRU choice).</summary>
    internal long LastUsed { get; set; }

    /// <summary>Records what the holder is about to do, for <c>/slots</c>.</summary>
    public void Describe(SlotWork work, int promptTokens, int tokensToPredict, bool stream)
    {
        Work = work;
        PromptTokens = promptTokens;
        TokensToPredict = tokensToPredict;
        Stream = stream;
        ReusedTokens = 0;
        PromptDone = false;
        Volatile.Write(ref Decoded, 0);
    }

    /// <summary>Counts one more generated token.</summary>
    public void TokenDecoded() => Interlocked.Increment(ref Decoded);

    /// <summary>Marks the whole generation done at once (a JSON answer generates without per-token writes).</summary>
    public void SetDecoded(int tokens) => Volatile.Write(ref Decoded, tokens);
}
