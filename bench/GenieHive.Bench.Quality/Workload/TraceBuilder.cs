namespace GenieHive.Bench.Quality.Workload;

/// <summary>
/// Builds a scenario's arrival trace from a seed, so that every arm replays exactly the same one: Poisson arrivals of
/// single requests, bursts of simultaneous ones, and conversations with a long opening context.
/// </summary>
internal sealed class TraceBuilder(int seed)
{
    /// <summary>The system prompt every session shares.</summary>
    public const string SystemPrompt = "You are a helpful assistant for the hive.";

    private readonly Random _random = new(seed);
    private readonly List<Session> _sessions = [];

    public IReadOnlyList<Session> Sessions => [.. _sessions.OrderBy(s => s.Start).ThenBy(s => s.Id)];

    /// <summary>Single requests arriving as a Poisson process at <paramref name="perSecond"/> over the window.</summary>
    public TraceBuilder Poisson(double perSecond, double fromSeconds, double toSeconds, Func<Random, string> model, int promptWords, int maxTokens)
    {
        for (var at = fromSeconds + Exponential(perSecond); at < toSeconds; at += Exponential(perSecond))
        {
            Add(at, model(_random), Words(promptWords), [], maxTokens);
        }

        return this;
    }

    /// <summary><paramref name="size"/> requests at once, every <paramref name="everySeconds"/> from the start of the window.</summary>
    public TraceBuilder Bursts(int size, double everySeconds, double fromSeconds, double toSeconds, string model, int promptWords, int maxTokens)
    {
        for (var at = fromSeconds; at < toSeconds; at += everySeconds)
        {
            for (var i = 0; i < size; i++)
            {
                Add(at, model, Words(promptWords), [], maxTokens);
            }
        }

        return this;
    }

    /// <summary>
    /// <paramref name="count"/> conversations starting as a Poisson process over the window, each opening with its own
    /// context of <paramref name="contextWords"/> words and a question, then <paramref name="turns"/> − 1 follow-ups.
    /// </summary>
    public TraceBuilder Conversations(int count, double fromSeconds, double toSeconds, string model, int contextWords, int questionWords, int turns, double thinkSeconds, int maxTokens)
    {
        var rate = count / Math.Max(0.001, toSeconds - fromSeconds);
        var at = fromSeconds;
        for (var c = 0; c < count; c++)
        {
            var followUps = Enumerable.Range(1, turns - 1)
                .Select(_ => new FollowUp(thinkSeconds * (0.5 + _random.NextDouble()), Words(questionWords)))
                .ToList();
            Add(at, model, Words(contextWords) + " " + Words(questionWords), followUps, maxTokens);
            at += Exponential(rate);
        }

        return this;
    }

    private void Add(double at, string model, string opening, IReadOnlyList<FollowUp> followUps, int maxTokens) =>
        _sessions.Add(new Session(_sessions.Count, at, model, SystemPrompt, opening, followUps, maxTokens));

    private double Exponential(double perSecond) => -Math.Log(1 - _random.NextDouble()) / perSecond;

    // Random words from a large vocabulary: prompts share no prefix by accident beyond the system prompt.
    private string Words(int count) => string.Join(' ', Enumerable.Range(0, count).Select(_ => "w" + _random.Next(100_000).ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
