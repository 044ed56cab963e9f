namespace GenieHive.Bench.Quality.Workload;

/// <summary>
/// One user's work in a trace: a conversation that starts at <see cref="Start"/> (seconds into the trace) with its
/// opening messages and goes on with <see cref="FollowUps"/>, each sent <see cref="FollowUp.ThinkSeconds"/> after the
/// previous answer arrived (with that answer in the conversation). A single request is a session without follow-ups.
/// </summary>
internal sealed record Session(int Id, double Start, string Model, string System, string Opening, IReadOnlyList<FollowUp> FollowUps, int MaxTokens)
{
    /// <summary>Turns in the session (the opening and the follow-ups).</summary>
    public int Turns => 1 + FollowUps.Count;

    /// <summary>Words of the prompt of the first turn (the simulator counts a word as a token).</summary>
    public int OpeningTokens => Words(System) + Words(Opening);

    public static int Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
}

/// <summary>A later turn: the user's next message, after thinking for a while.</summary>
internal sealed record FollowUp(double ThinkSeconds, string Message);
