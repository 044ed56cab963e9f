namespace GenieHive.Control.Benchmarks.Runs;

/// <summary>
/// What one case measured through the facade. <see cref="Answered"/> is false when no usable answer came back
/// (an HTTP error, a broken stream, a timeout), and <see cref="Error"/> says why.
/// </summary>
public sealed record CaseMeasurement
{
    public bool Answered { get; init; }
    public string? Error { get; init; }

    /// <summary>Chat: the visible answer text.</summary>
    public string Text { get; init; } = "";

    /// <summary>Embeddings: one vector per input, in input order.</summary>
    public IReadOnlyList<float[]> Vectors { get; init; } = [];

    /// <summary>From sending the request to the end of the answer (milliseconds).</summary>
    public double LatencyMs { get; init; }

    /// <summary>Chat: from sending the request to the first visible token (milliseconds).</summary>
    public double? TtftMs { get; init; }

    public double? TokensPerSec { get; init; }
    public int? PromptTokens { get; init; }
    public int? CompletionTokens { get; init; }

    public static CaseMeasurement Failed(string error, double latencyMs) => new() { Error = error, LatencyMs = latencyMs };
}
