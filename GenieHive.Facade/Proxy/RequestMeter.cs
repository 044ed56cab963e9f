using GenieHive.Facade.Observations;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// What one upstream attempt measured: first byte, first content, content chunks, reported tokens and, for a
/// JSON answer, the engine's own generation speed. Time to first token exists only for streamed answers: a JSON
/// answer's first byte comes when the whole generation is done, so it would measure latency under another name.
/// </summary>
internal sealed class RequestMeter(long start)
{
    public long Start { get; } = start;

    public long FirstByte { get; private set; }

    public long FirstContent { get; private set; }

    public int ContentChunks { get; private set; }

    public long? CompletionTokens { get; private set; }

    /// <summary>The usage's prompt tokens, when the engine reported usage.</summary>
    public long? PromptTokens { get; private set; }

    /// <summary>The answer was relayed as server-sent events (set before the first event).</summary>
    public bool Streamed { get; set; }

    /// <summary>The engine's own tokens per second of a JSON answer (llama.cpp's <c>timings.predicted_per_second</c>), when it sent one.</summary>
    public double? UpstreamTokensPerSecond { get; private set; }

    /// <summary>The engine's own prefill speed (llama.cpp's <c>timings.prompt_per_second</c>), when it sent one.</summary>
    public double? PromptTokensPerSecond { get; private set; }

    /// <summary>How long the engine spent on the prompt (llama.cpp's <c>timings.prompt_ms</c>), when it sent it.</summary>
    public double? PromptMs { get; private set; }

    /// <summary>The prompt tokens that took it (<c>timings.prompt_n</c>: not taken from the engine's cache).</summary>
    public double? PromptProcessed { get; private set; }

    /// <summary>The attempt's wait for its first token, as its service's figures see it (set when the attempt is sent).</summary>
    public FirstTokenWatch Watch;

    public void OnBytes(long now)
    {
        if (FirstByte == 0)
        {
            FirstByte = now;
        }
    }

    /// <summary>Scans one relayed SSE event; cost is a few vectorised searches over bytes already in hand.</summary>
    public void OnSseEvent(ReadOnlySpan<byte> sseEvent, long now)
    {
        OnBytes(now);
        if (ResponseScanner.HasContent(sseEvent))
        {
            ContentChunks++;
            if (FirstContent == 0)
            {
                FirstContent = now;
                Watch.Arrived(now);
            }
        }
        else if (ResponseScanner.FindPromptPerSecond(sseEvent) is { } prefill)
        {
            // llama-server puts its timings on the final events, which carry no content: scanned only there.
            PromptTokensPerSecond = prefill;
            PromptMs = ResponseScanner.FindPromptMs(sseEvent);
            PromptProcessed = ResponseScanner.FindPromptProcessed(sseEvent);
        }

        if (ResponseScanner.FindCompletionTokens(sseEvent) is { } tokens)
        {
            // Only an event with usage carries prompt tokens, so the second scan runs once a stream.
            CompletionTokens = tokens;
            PromptTokens = ResponseScanner.FindPromptTokens(sseEvent) ?? PromptTokens;
        }
    }

    /// <summary>Scans a whole non-streamed body: usage and the engine's generation timings.</summary>
    public void OnBody(ReadOnlySpan<byte> body)
    {
        CompletionTokens = ResponseScanner.FindCompletionTokens(body);
        PromptTokens = ResponseScanner.FindPromptTokens(body);
        UpstreamTokensPerSecond = ResponseScanner.FindPredictedPerSecond(body);
        PromptTokensPerSecond = ResponseScanner.FindPromptPerSecond(body);
        PromptMs = ResponseScanner.FindPromptMs(body);
        PromptProcessed = ResponseScanner.FindPromptProcessed(body);
    }

    /// <summary>
    /// Time to first token of a streamed answer (first content, else first event), in ms; NaN for a JSON answer or
    /// when nothing arrived.
    /// </summary>
    public double TtftMs(TimeProvider time)
    {
        if (!Streamed)
        {
            return double.NaN;
        }

        var first = FirstContent != 0 ? FirstContent : FirstByte;
        return first == 0 ? double.NaN : time.GetElapsedTime(Start, first).TotalMilliseconds;
    }

    /// <summary>
    /// Generated tokens per second; NaN when unknown. Streamed: after the first token (usage when reported, else
    /// content chunks). JSON: the engine's own figure when it sent one, else completion tokens over the whole latency.
    /// </summary>
    public double TokensPerSecond(TimeProvider time, long end)
    {
        if (!Streamed && UpstreamTokensPerSecond is { } reported)
        {
            return reported;
        }

        var tokens = CompletionTokens ?? (Streamed ? ContentChunks : 0);
        if (tokens <= 0)
        {
            return double.NaN;
        }

        if (Streamed && FirstContent != 0)
        {
            var generation = time.GetElapsedTime(FirstContent, end).TotalSeconds;
            return tokens > 1 && generation > 0 ? (tokens - 1) / generation : double.NaN;
        }

        var total = time.GetElapsedTime(Start, end).TotalSeconds;
        return total > 0 ? tokens / total : double.NaN;
    }

    /// <summary>
    /// Decode speed alone, for the route selector's estimates: <see cref="TokensPerSecond"/> for a stream or when the
    /// engine sent its own figure; NaN for a JSON answer without one, whose tokens over its whole latency include the
    /// wait for the first token (a one-token answer from a 150 ms engine decoding 50 tokens/s "decodes" at 7).
    /// </summary>
    public double DecodeTokensPerSecond(TimeProvider time, long end) =>
        Streamed || UpstreamTokensPerSecond is not null ? TokensPerSecond(time, end) : double.NaN;
}
