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

    /// <summary>Records what the holder is about to do, for <c>/slots</c>.</summary>
    public void Describe(SlotWork work, int promptTokens, int tokensToPredict, bool stream)
    {
        Work = work;
        PromptTokens = promptTokens;
        TokensToPredict = tokensToPredict;
        Stream = stream;
        Volatile.Write(ref Decoded, 0);
    }

    /// <summary>Counts one more generated token.</summary>
    public void TokenDecoded() => Interlocked.Increment(ref Decoded);

    /// <summary>Marks the whole generation done at once (a JSON answer generates without per-token writes).</summary>
    public void SetDecoded(int tokens) => Volatile.Write(ref Decoded, tokens);
}
