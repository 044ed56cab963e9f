namespace GenieHive.Bench.Quality.Replay;

/// <summary>One turn of one session as an arm served it (or did not).</summary>
internal sealed record TurnRecord
{
    public required int Session { get; init; }

    public required int Turn { get; init; }

    public required string Model { get; init; }

    /// <summary>Seconds into the trace at which it was sent (null: never sent, the run was cut first).</summary>
    public double? SentAt { get; init; }

    /// <summary>Why it failed, or null when it was answered in full.</summary>
    public string? Failure { get; init; }

    public double? TtftSeconds { get; init; }

    public double? EndToEndSeconds { get; init; }

    public int PromptTokens { get; init; }

    public int CachedTokens { get; init; }

    /// <summary>The engine (service id) that answered the last attempt, when known.</summary>
    public string? ServedBy { get; init; }

    /// <summary>Attempts made (router arms try another engine when one refuses before the first token).</summary>
    public int Attempts { get; init; }

    /// <summary>The answer's text (what the conversation's next turn sends back); not reported.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Answer { get; init; } = string.Empty;

    public bool Succeeded => Failure is null;
}
