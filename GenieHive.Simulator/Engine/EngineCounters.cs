namespace GenieHive.Simulator.Engine;

/// <summary>
/// The engine-wide counters behind llama.cpp's <c>/metrics</c>: tokens and time spent on prompts and on
/// generation, and decode calls. Lock-free; read without a consistent cut, like any scrape.
/// </summary>
public sealed class EngineCounters
{
    private long _promptTokens;
    private long _cachedTokens;
    private long _promptMicroseconds;
    private long _predictedTokens;
    private long _predictedMicroseconds;
    private long _decodeCalls;
    private long _largestSequence;

    public long PromptTokens => Interlocked.Read(ref _promptTokens);

    /// <summary>Prompt tokens reused from slots' caches instead of being evaluated.</summary>
    public long CachedTokens => Interlocked.Read(ref _cachedTokens);

    public long PredictedTokens => Interlocked.Read(ref _predictedTokens);

    public long DecodeCalls => Interlocked.Read(ref _decodeCalls);

    /// <summary>Largest prompt plus generation seen (llama.cpp's <c>n_tokens_max</c>).</summary>
    public long LargestSequence => Interlocked.Read(ref _largestSequence);

    public double PromptSeconds => Interlocked.Read(ref _promptMicroseconds) / 1e6;

    public double PredictedSeconds => Interlocked.Read(ref _predictedMicroseconds) / 1e6;

    /// <summary>Records a request's sequence length (prompt plus tokens to generate).</summary>
    public void SequenceStarted(long tokens)
    {
        var largest = Interlocked.Read(ref _largestSequence);
        while (tokens > largest)
        {
            var seen = Interlocked.CompareExchange(ref _largestSequence, tokens, largest);
            if (seen == largest)
            {
                return;
            }

            largest = seen;
        }
    }

    /// <summary>
    /// A prompt was processed: <paramref name="tokens"/> evaluated, <paramref name="cached"/> reused from the slot
    /// (one decode call for the whole batch, as llama.cpp does).
    /// </summary>
    public void PromptProcessed(int tokens, int cached, TimeSpan elapsed)
    {
        Interlocked.Add(ref _promptTokens, tokens);
        Interlocked.Add(ref _cachedTokens, cached);
        Interlocked.Add(ref _promptMicroseconds, (long)(elapsed.Ticks / 10.0));
        Interlocked.Increment(ref _decodeCalls);
    }

    /// <summary>Tokens were generated, one decode call each.</summary>
    public void TokensPredicted(int tokens, TimeSpan elapsed)
    {
        Interlocked.Add(ref _predictedTokens, tokens);
        Interlocked.Add(ref _predictedMicroseconds, (long)(elapsed.Ticks / 10.0));
        Interlocked.Add(ref _decodeCalls, tokens);
    }
}
