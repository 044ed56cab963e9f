extern alias quality;

using GenieHive.Tests.Hosting;
using GenieHive.Tests.Simulator;
using quality::GenieHive.Bench.Quality;
using quality::GenieHive.Bench.Quality.Arms;
using quality::GenieHive.Bench.Quality.Cluster;
using quality::GenieHive.Bench.Quality.Engines;
using quality::GenieHive.Bench.Quality.Replay;
using quality::GenieHive.Bench.Quality.Scenarios;
using quality::GenieHive.Bench.Quality.Stats;
using quality::GenieHive.Bench.Quality.Workload;

namespace GenieHive.Tests.Bench;

/// <summary>
/// The routing-quality replay end to end against real simulators on real sockets (no facade: the reference arm sends
/// to the engines directly): conversations with their answers sent back, the prompt cache's hits read from the
/// engines' usage, and an engine that dies being avoided after it refuses.
/// </summary>
public sealed class QualityReplayTests
{
    private const string Model = "bench-chat";

    [Fact]
    public async Task TheReferenceKeepsConversationsWhereTheirPromptsAreCached()
    {
        var engines = new[] { Engine("left"), Engine("right") };
        await using var cluster = new InProcessEngines(engines);
        var scenario = Scenario(engines, new TraceBuilder(5).Conversations(2, 0, 0.3, Model, contextWords: 300, questionWords: 6, turns: 3, thinkSeconds: 0.05, maxTokens: 8).Sessions);
        using var client = new ChatStreamClient("unused");

        var records = await new TraceReplayer(scenario, Reference, cluster, client, Settings()).RunAsync(TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Equal(6, records.Count);
        Assert.All(records, r => Assert.True(r.Succeeded, r.Failure));
        Assert.All(records.Where(r => r.Turn == 0), r => Assert.Equal(0, r.CachedTokens));
        Assert.All(records.Where(r => r.Turn > 0), r => Assert.True(r.CachedTokens > 300, $"turn {r.Turn} of {r.Session} reused {r.CachedTokens} tokens"));
        Assert.All(records, r => Assert.True(r.PromptTokens > 300, $"turn {r.Turn} of {r.Session} reported {r.PromptTokens} prompt tokens"));
        var result = ArmResult.From("reference", scenario, records, modelLoads: null);
        Assert.InRange(result.CacheHitRate, 0.5, 1);
        Assert.Equal(6, result.ServedBy.Values.Sum());
    }

    [Fact]
    public async Task AnEngineThatRefusesIsAvoidedAndItsTurnTriedElsewhere()
    {
        var engines = new[] { Engine("a"), Engine("b") };
        await using var cluster = new InProcessEngines(engines);
        var sessions = new TraceBuilder(9).Bursts(size: 1, everySeconds: 0.2, fromSeconds: 0.3, toSeconds: 1, Model, promptWords: 5, maxTokens: 4).Sessions;
        var scenario = Scenario(engines, sessions) with { Kill = new EngineKill("a", 0) };
        using var client = new ChatStreamClient("unused");

        var records = await new TraceReplayer(scenario, Reference, cluster, client, Settings()).RunAsync(TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.Equal(sessions.Count, records.Count);
        Assert.All(records, r => Assert.True(r.Succeeded, r.Failure));
        Assert.All(records, r => Assert.Equal("b", r.ServedBy));
        Assert.Equal(2, records[0].Attempts);
        Assert.All(records.Skip(1), r => Assert.Equal(1, r.Attempts));
    }

    private static ArmDefinition Reference => new() { Name = "reference", Router = ArmDefinition.ReferenceRouter };

    private static EngineProfile Engine(string id) => new()
    {
        Id = id, Models = [Model], TimeToFirstTokenMs = 0, TokensPerSecond = 0, Slots = 2, PromptTokensPerSecond = 20_000, PromptCache = true,
    };

    private static Scenario Scenario(IReadOnlyList<EngineProfile> engines, IReadOnlyList<Session> sessions) => new()
    {
        Name = "test",
        Description = "Replay test.",
        Engines = engines,
        Sessions = sessions,
        TraceSeconds = 1,
        TtftTargetSeconds = 1,
    };

    private static QualitySettings Settings() => new()
    {
        RepoRoot = QualitySettings.RepositoryRoot(),
        ResultsDir = Path.GetTempPath(),
        Quick = true,
        Arms = [Reference],
    };

    /// <summary>The engines as in-process simulators on Kestrel, addressed directly.</summary>
    private sealed class InProcessEngines : IArmCluster, IAsyncDisposable
    {
        private readonly Dictionary<string, SimulatorApp> _engines = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Uri> _urls = new(StringComparer.Ordinal);

        public InProcessEngines(IEnumerable<EngineProfile> engines)
        {
            foreach (var engine in engines)
            {
                var settings = engine.SimulatorArguments()
                    .Where(a => a.StartsWith("--Simulator:", StringComparison.Ordinal))
                    .Select(a => a["--Simulator:".Length..].Split('=', 2))
                    .Select(pair => (pair[0], (object)pair[1]))
                    .ToArray();
                var app = SimulatorApp.OnKestrel(settings);
                _engines[engine.Id] = app;
                _urls[engine.Id] = new Uri(KestrelStart.ListeningUrl(app.Services));
            }
        }

        public Uri Facade => throw new InvalidOperationException("These engines have no facade in front of them.");

        public (Uri Url, string Model) ClientRoute(EngineProfile engine, string model) => (_urls[engine.Id], model);

        public void Kill(string engineId) => _engines[engineId].Dispose();

        public async ValueTask DisposeAsync()
        {
            foreach (var engine in _engines.Values)
            {
                await engine.DisposeAsync();
            }
        }
    }
}
