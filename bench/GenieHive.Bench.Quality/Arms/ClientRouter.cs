using GenieHive.Bench.Quality.Engines;

namespace GenieHive.Bench.Quality.Arms;

/// <summary>A turn an arm routes client-side: whose conversation, which model, how big.</summary>
internal sealed record TurnRequest(int Conversation, string Model, int PromptTokens, int MaxTokens);

/// <summary>
/// Routing done by the benchmark client (router arms): picks the engine for each turn and hears what became of it.
/// Thread-safe: turns are routed from many tasks at once.
/// </summary>
internal abstract class ClientRouter
{
    /// <summary>The engine for <paramref name="turn"/>, among those not in <paramref name="excluded"/>; null when none is left.</summary>
    public abstract EngineProfile? Choose(TurnRequest turn, double now, IReadOnlySet<string> excluded);

    /// <summary>The turn was sent to <paramref name="engine"/> at <paramref name="now"/>; the returned ticket follows it.</summary>
    public virtual object? Sent(EngineProfile engine, TurnRequest turn, double now) => null;

    /// <summary>The turn's first token arrived.</summary>
    public virtual void FirstToken(object? ticket, double now)
    {
    }

    /// <summary>The turn ended (answered with <paramref name="completionTokens"/> tokens, or failed).</summary>
    public virtual void Finished(object? ticket, bool succeeded, int completionTokens)
    {
    }

    public static ClientRouter Create(ArmDefinition arm, IReadOnlyList<EngineProfile> engines, int seed) => arm.Router switch
    {
        ArmDefinition.RandomRouter => new RandomRouter(engines, seed),
        ArmDefinition.ReferenceRouter => new ReferenceRouter(engines),
        _ => throw new ArgumentException("Arm '" + arm.Name + "' does not route client-side."),
    };
}

/// <summary>Any engine that serves the model, uniformly at random (seeded, so runs repeat).</summary>
internal sealed class RandomRouter(IReadOnlyList<EngineProfile> engines, int seed) : ClientRouter
{
    private readonly Lock _gate = new();
    private readonly Random _random = new(seed);

    public override EngineProfile? Choose(TurnRequest turn, double now, IReadOnlySet<string> excluded)
    {
        var candidates = engines.Where(e => !excluded.Contains(e.Id) && e.Models.Contains(turn.Model, StringComparer.Ordinal)).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        lock (_gate)
        {
            return candidates[_random.Next(candidates.Count)];
        }
    }
}
