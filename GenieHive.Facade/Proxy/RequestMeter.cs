namespace GenieHive.Facade.Proxy;

/// <summary>What one upstream attempt measured: first byte, first content, content chunks and reported tokens.</summary>
internal sealed class RequestMeter(long start)
{
    public long Start { get; } = start;

    public long FirstByte { get; private set; }

    public long FirstContent { get; private set; }

    public int ContentChunks { get; private set; }

    public long? CompletionTokens { get; private set; }

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
            }
        }

        if (ResponseScanner.FindCompletionTokens(sseEvent) is { } tokens)
        {
            CompletionTokens = tokens;
        }
    }

    /// <summary>Scans a whole non-streamed body.</summary>
    public void OnBody(ReadOnlySpan<byte> body)
    {
        if (FirstContent == 0)
        {
            FirstContent = FirstByte;
        }

        CompletionTokens = ResponseScanner.FindCompletionTokens(body);
    }

    /// <summary>Time to first token (or first byte when no content was recognised), in ms; NaN when nothing arrived.</summary>
    public double TtftMs(TimeProvider time)
    {
        var first = FirstContent != 0 ? FirstContent : FirstByte;
        return first == 0 ? double.NaN : time.GetElapsedTime(Start, first).TotalMilliseconds;
    }

    /// <summary>Generated tokens per second after the first token (usage when reported, else content chunks); NaN when unknown.</summary>
    public double TokensPerSecond(TimeProvider time, long end, bool streamed)
    {
        var tokens = CompletionTokens ?? (streamed ? ContentChunks : 0);
        if (tokens <= 0)
        {
            return double.NaN;
        }

        if (streamed && FirstContent != 0)
        {
            var generation = time.GetElapsedTime(FirstContent, end).TotalSeconds;
            return tokens > 1 && generation > 0 ? (tokens - 1) / generation : double.NaN;
        }

        var total = time.GetElapsedTime(Start, end).TotalSeconds;
        return total > 0 ? tokens / total : double.NaN;
    }
}
