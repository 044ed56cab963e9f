using GenieHive.Bench.Quality.Engines;
using GenieHive.Bench.Quality.Workload;

namespace GenieHive.Bench.Quality.Scenarios;

/// <summary>
/// The routing-quality scenarios (bench/README.md): heterogeneous engines at 40% and 80% of capacity, multi-turn
/// conversations with long contexts, several models with cold loads, an engine dying mid-run, and bursts. Durations
/// are shorter with <c>--quick</c>; the traces come from the run's seed. Model names carry the scenario's name
/// (<c>heterogeneous-80-chat</c>), so that the scenarios of an arm, one after the other on one control plane, never
/// route to each other's engines.
/// </summary>
internal static class ScenarioCatalog
{
    private const int PromptWords = 22;
    private const int AnswerTokens = 32;

    /// <summary>Every scenario, in report order.</summary>
    public static IReadOnlyList<Scenario> All(bool quick, int seed) =>
    [
        Heterogeneous("heterogeneous-40", 0.40, quick ? 8 : 15, seed),
        Heterogeneous("heterogeneous-80", 0.80, quick ? 12 : 25, seed + 1),
        MultiTurn(quick, seed + 2),
        ColdLoads(quick ? 8 : 15, seed + 3),
        EngineDeath(quick ? 10 : 18, seed + 4),
        Bursts(quick ? 12 : 20, seed + 5),
    ];

    /// <summary>The three engines: 150 ms / 400 ms / 1 s to first token, 50 / 25 / 8 tokens/s, 4 / 2 / 2 slots.</summary>
    public static IReadOnlyList<EngineProfile> HeterogeneousEngines(string model) =>
    [
        new() { Id = "fast", Models = [model], TimeToFirstTokenMs = 150, TokensPerSecond = 50, Slots = 4 },
        new() { Id = "medium", Models = [model], TimeToFirstTokenMs = 400, TokensPerSecond = 25, Slots = 2 },
        new() { Id = "slow", Models = [model], TimeToFirstTokenMs = 1000, TokensPerSecond = 8, Slots = 2 },
    ];

    /// <summary>A model name of a scenario's own.</summary>
    public static string ModelOf(string scenario, string model) => scenario + "-" + model;

    /// <summary>Requests per second the engines complete with every slot busy, for a request of this shape.</summary>
    public static double Capacity(IEnumerable<EngineProfile> engines, int promptTokens, int completionTokens) =>
        engines.Sum(engine => engine.Capacity(promptTokens, completionTokens));

    private static Scenario Heterogeneous(string name, double load, double seconds, int seed)
    {
        var model = ModelOf(name, "chat");
        var engines = HeterogeneousEngines(model);
        var rate = load * Capacity(engines, PromptTokens, AnswerTokens);
        return new Scenario
        {
            Name = name,
            Description = $"Three engines of different speed (150 ms / 400 ms / 1 s to first token, 50 / 25 / 8 tokens/s, 4 / 2 / 2 slots), Poisson arrivals at {load:P0} of their capacity ({rate:0.0} requests/s).",
            Engines = engines,
            Sessions = new TraceBuilder(seed).Poisson(rate, 0, seconds, _ => model, PromptWords, AnswerTokens).Sessions,
            TraceSeconds = seconds,
            TtftTargetSeconds = 1.0,
            OfferedLoad = load,
        };
    }

    private static Scenario MultiTurn(bool quick, int seed)
    {
        const string name = "multi-turn";
        var model = ModelOf(name, "chat");
        // Two equal engines like two llama-servers: prefill costs, slots keep prompts, compute shared across slots.
        EngineProfile Engine(string id) => new()
        {
            Id = id, Models = [model], TimeToFirstTokenMs = 50, TokensPerSecond = 25, Slots = 2, PromptTokensPerSecond = 400,
            PromptCache = true, PromptCacheTokens = 8_192, DecodeContention = 0.5,
        };

        var conversations = quick ? 4 : 6;
        var turns = quick ? 3 : 4;
        var window = quick ? 4.0 : 8.0;
        return new Scenario
        {
            Name = name,
            Description = $"{conversations} conversations of {turns} turns, each opening with its own 800-word context, on two equal engines with a prompt cache (2 slots each, 400 prompt tokens/s, 25 tokens/s): a turn that goes back to its engine skips most of the prefill.",
            Engines = [Engine("left"), Engine("right")],
            Sessions = new TraceBuilder(seed).Conversations(conversations, 0, window, model, contextWords: 800, questionWords: 16, turns, thinkSeconds: 1.5, maxTokens: 24).Sessions,
            TraceSeconds = window,
            TtftTargetSeconds = 0.5,
        };
    }

    private static Scenario ColdLoads(double seconds, int seed)
    {
        const string name = "cold-loads";
        string[] models = [.. Enumerable.Range(1, 4).Select(i => ModelOf(name, "m" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)))];
        EngineProfile Engine(string id, params int[] preloaded) => new()
        {
            Id = id, Models = models, TimeToFirstTokenMs = 100, TokensPerSecond = 40, Slots = 2,
            ModelLoadMs = 3_000, ModelsInMemory = 2, Preloaded = [.. preloaded.Select(m => models[m - 1])],
        };

        IReadOnlyList<EngineProfile> engines = [Engine("e1", 1, 2), Engine("e2", 2, 3), Engine("e3", 3, 4)];
        var rate = 0.6 * Capacity(engines, PromptTokens, 24);
        return new Scenario
        {
            Name = name,
            Description = $"Three equal engines serving four models, two in memory at a time (3 s to load one): m1 and m2 warm on e1, m2 and m3 on e2, m3 and m4 on e3. Requests for m1..m4 in proportion 5:2:2:1 at 60% of capacity ({rate:0.0}/s), so m1's one warm engine saturates and loading m1 elsewhere pays.",
            Engines = engines,
            Sessions = new TraceBuilder(seed).Poisson(rate, 0, seconds, random => models[PickModel(random)], PromptWords, 24).Sessions,
            TraceSeconds = seconds,
            TtftTargetSeconds = 1.0,
            OfferedLoad = 0.6,
        };

        // m1..m4 in proportion 5:2:2:1.
        static int PickModel(Random random) => random.NextDouble() switch
        {
            < 0.5 => 0,
            < 0.7 => 1,
            < 0.9 => 2,
            _ => 3,
        };
    }

    private static Scenario EngineDeath(double seconds, int seed)
    {
        const string name = "engine-death";
        var model = ModelOf(name, "chat");
        EngineProfile Engine(string id) => new() { Id = id, Models = [model], TimeToFirstTokenMs = 150, TokensPerSecond = 30, Slots = 3 };
        IReadOnlyList<EngineProfile> engines = [Engine("e1"), Engine("e2"), Engine("e3")];
        var rate = 0.5 * Capacity(engines, PromptTokens, AnswerTokens);
        return new Scenario
        {
            Name = name,
            Description = $"Three equal engines at 50% of capacity ({rate:0.0}/s); one is killed a third of the way in (its streams break, its port refuses).",
            Engines = engines,
            Sessions = new TraceBuilder(seed).Poisson(rate, 0, seconds, _ => model, PromptWords, AnswerTokens).Sessions,
            TraceSeconds = seconds,
            TtftTargetSeconds = 1.0,
            OfferedLoad = 0.5,
            Kill = new EngineKill("e3", seconds / 3),
        };
    }

    private static Scenario Bursts(double seconds, int seed)
    {
        const string name = "bursts";
        var model = ModelOf(name, "chat");
        var engines = HeterogeneousEngines(model);
        var background = 0.2 * Capacity(engines, PromptTokens, AnswerTokens);
        return new Scenario
        {
            Name = name,
            Description = $"The three heterogeneous engines with background traffic at 20% of capacity ({background:0.0}/s) and a burst of 12 simultaneous requests every 8 s.",
            Engines = engines,
            Sessions = new TraceBuilder(seed)
                .Poisson(background, 0, seconds, _ => model, PromptWords, AnswerTokens)
                .Bursts(12, 8, 2, seconds, model, PromptWords, AnswerTokens)
                .Sessions,
            TraceSeconds = seconds,
            TtftTargetSeconds = 1.0,
        };
    }

    // The system prompt (8 words) and the user's words: what the simulator counts as the prompt's tokens.
    private static int PromptTokens => Session.Words(TraceBuilder.SystemPrompt) + PromptWords;
}
