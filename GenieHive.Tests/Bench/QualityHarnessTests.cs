extern alias quality;

using System.Reflection;
using System.Xml.Linq;
using GenieHive.Contracts;
using GenieHive.Simulator;
using quality::GenieHive.Bench.Quality;
using quality::GenieHive.Bench.Quality.Arms;
using quality::GenieHive.Bench.Quality.Engines;
using quality::GenieHive.Bench.Quality.Replay;
using quality::GenieHive.Bench.Quality.Report;
using quality::GenieHive.Bench.Quality.Scenarios;
using quality::GenieHive.Bench.Quality.Stats;
using quality::GenieHive.Bench.Quality.Workload;

namespace GenieHive.Tests.Bench;

/// <summary>
/// The routing-quality harness's own logic (bench/GenieHive.Bench.Quality, under the alias <c>quality</c>): traces,
/// engine parameters, the reference router's choices, the statistics, the arms, the settings and the report.
/// </summary>
public sealed class QualityHarnessTests
{
    private const string Model = "bench-chat";

    [Fact]
    public void TheSameSeedBuildsTheSameTraceWithArrivalsAtTheirRate()
    {
        static IReadOnlyList<Session> Build(int seed) => new TraceBuilder(seed).Poisson(5, 0, 200, _ => Model, promptWords: 10, maxTokens: 8).Sessions;

        var first = Build(7);
        var again = Build(7);
        var other = Build(8);

        Assert.Equal(first.Select(s => (s.Start, s.Opening)), again.Select(s => (s.Start, s.Opening)));
        Assert.NotEqual(first.Select(s => s.Start), other.Select(s => s.Start));
        Assert.InRange(first.Count, 900, 1100);
        Assert.All(first, s => Assert.InRange(s.Start, 0, 200));
        Assert.Equal(first.Select(s => s.Start).Order(), first.Select(s => s.Start));
        Assert.All(first, s => Assert.Equal(Session.Words(TraceBuilder.SystemPrompt) + 10, s.OpeningTokens));
    }

    [Fact]
    public void ConversationsOpenWithTheirOwnContextAndFollowUpAfterThinking()
    {
        var sessions = new TraceBuilder(3).Conversations(3, 0, 10, Model, contextWords: 100, questionWords: 5, turns: 4, thinkSeconds: 2, maxTokens: 10).Sessions;

        Assert.Equal(3, sessions.Count);
        Assert.All(sessions, s =>
        {
            Assert.Equal(4, s.Turns);
            Assert.Equal(Session.Words(TraceBuilder.SystemPrompt) + 105, s.OpeningTokens);
            Assert.All(s.FollowUps, f =>
            {
                Assert.Equal(5, Session.Words(f.Message));
                Assert.InRange(f.ThinkSeconds, 1, 3);
            });
        });
        Assert.Equal(3, sessions.Select(s => s.Opening).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(0, sessions[0].Start);
    }

    [Fact]
    public void BurstsSendTheirRequestsAtOnce()
    {
        var sessions = new TraceBuilder(1).Bursts(size: 4, everySeconds: 5, fromSeconds: 1, toSeconds: 12, Model, promptWords: 3, maxTokens: 2).Sessions;

        Assert.Equal([1.0, 6.0, 11.0], sessions.Select(s => s.Start).Distinct());
        Assert.All(sessions.GroupBy(s => s.Start), burst => Assert.Equal(4, burst.Count()));
    }

    [Fact]
    public void EveryEngineSettingIsASimulatorOption()
    {
        var engine = new EngineProfile
        {
            Id = "e", Models = ["a", "b"], TimeToFirstTokenMs = 10, TokensPerSecond = 5, Slots = 2, PromptTokensPerSecond = 100,
            PromptCache = true, PromptCacheTokens = 50, DecodeContention = 0.5, ModelLoadMs = 1_000, ModelsInMemory = 1, Preloaded = ["a"],
        };
        var options = typeof(SimulatorOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

        var settings = engine.SimulatorArguments().Where(a => a.StartsWith("--Simulator:", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(settings);
        Assert.All(settings, setting => Assert.Contains(setting["--Simulator:".Length..].Split(':', '=')[0], options));
        Assert.Contains("--Simulator:MemoryBudgetMb=1000", settings);
        Assert.Contains("--Simulator:PreloadedModels:0=a", settings);
        Assert.Contains("--Simulator:ChatModels:1=b", settings);
    }

    [Fact]
    public void ServiceTimeAndCapacityFollowTheSimulatorsSchedule()
    {
        var fast = ScenarioCatalog.HeterogeneousEngines(Model)[0];
        var shared = fast with { PromptTokensPerSecond = 400, DecodeContention = 0.5 };

        Assert.Equal(0.15 + (31 / 50.0), fast.ServiceSeconds(30, 32, busy: 4), 9);
        Assert.Equal(4 / (0.15 + (31 / 50.0)), fast.Capacity(30, 32), 9);
        Assert.Equal(0.15 + (400 / 400.0 * 1.5) + (31 / 50.0 * 1.5), shared.ServiceSeconds(400, 32, busy: 2), 9);
        Assert.Equal(0.15 + 1.0, shared.FirstTokenSeconds(400, busy: 1), 9);

        // The three engines: 4 / 2 / 2 slots over 0.77 s, 1.64 s and 4.875 s.
        Assert.Equal((4 / 0.77) + (2 / 1.64) + (2 / 4.875), ScenarioCatalog.Capacity(ScenarioCatalog.HeterogeneousEngines(Model), 30, 32), 6);
    }

    [Fact]
    public void TheReferenceUsesTheFastEngineUntilItsQueueMakesTheSlowOneFinishFirst()
    {
        IReadOnlyList<EngineProfile> engines =
        [
            new() { Id = "fast", Models = [Model], TimeToFirstTokenMs = 150, TokensPerSecond = 50, Slots = 1 },
            new() { Id = "slow", Models = [Model], TimeToFirstTokenMs = 1000, TokensPerSecond = 8, Slots = 1 },
        ];
        var router = new ReferenceRouter(engines);
        var turn = new TurnRequest(0, Model, 30, 32);

        // Fast takes 0.77 s a turn, slow 4.875 s: the seventh queued turn would finish later on fast (5.39 s).
        var choices = Enumerable.Range(0, 7).Select(_ =>
        {
            var engine = router.Choose(turn, now: 0, new HashSet<string>())!;
            router.Sent(engine, turn, now: 0);
            return engine.Id;
        }).ToList();

        Assert.Equal(["fast", "fast", "fast", "fast", "fast", "fast", "slow"], choices);
        Assert.Equal("fast", router.Choose(turn, now: 0, new HashSet<string> { "slow" })!.Id);
        Assert.Null(router.Choose(turn, now: 0, new HashSet<string> { "slow", "fast" }));
    }

    [Fact]
    public void TheReferenceCountsAFinishedTurnOut()
    {
        IReadOnlyList<EngineProfile> engines =
        [
            new() { Id = "a", Models = [Model], TimeToFirstTokenMs = 100, TokensPerSecond = 10, Slots = 1 },
            new() { Id = "b", Models = [Model], TimeToFirstTokenMs = 200, TokensPerSecond = 10, Slots = 1 },
        ];
        var router = new ReferenceRouter(engines);
        var turn = new TurnRequest(0, Model, 10, 11);

        var ticket = router.Sent(router.Choose(turn, 0, new HashSet<string>())!, turn, 0);
        Assert.Equal("b", router.Choose(turn, 0, new HashSet<string>())!.Id);
        router.Finished(ticket, succeeded: true, completionTokens: 11);
        Assert.Equal("a", router.Choose(turn, 0.5, new HashSet<string>())!.Id);
    }

    [Fact]
    public void TheReferenceSendsAConversationBackToTheEngineHoldingIt()
    {
        EngineProfile Engine(string id) => new()
        {
            Id = id, Models = [Model], TimeToFirstTokenMs = 50, TokensPerSecond = 25, Slots = 1, PromptTokensPerSecond = 400, PromptCache = true,
        };
        var router = new ReferenceRouter([Engine("left"), Engine("right")]);
        var none = new HashSet<string>();
        var first = new TurnRequest(0, Model, 800, 24);
        var second = new TurnRequest(1, Model, 800, 24);

        var firstTicket = router.Sent(router.Choose(first, 0, none)!, first, 0);
        var secondEngine = router.Choose(second, 0, none)!;
        var secondTicket = router.Sent(secondEngine, second, 0);
        router.Finished(firstTicket, true, 24);
        router.Finished(secondTicket, true, 24);

        Assert.Equal("right", secondEngine.Id);
        Assert.Equal("right", router.Choose(second with { PromptTokens = 850 }, 10, none)!.Id);
        Assert.Equal("left", router.Choose(first with { PromptTokens = 850 }, 10, none)!.Id);
    }

    [Fact]
    public void TheReferenceLoadsAModelElsewhereOnlyWhenWaitingForTheWarmEngineCostsMore()
    {
        EngineProfile Engine(string id, string preloaded) => new()
        {
            Id = id, Models = ["m1", "m2"], TimeToFirstTokenMs = 100, TokensPerSecond = 40, Slots = 1, ModelLoadMs = 3_000, ModelsInMemory = 1, Preloaded = [preloaded],
        };
        var router = new ReferenceRouter([Engine("e1", "m1"), Engine("e2", "m2")]);
        var turn = new TurnRequest(0, "m1", 30, 24);

        // A turn takes 0.675 s; a load 3 s: the sixth queued m1 turn finishes sooner loading m1 on e2 (3.675 s).
        var choices = Enumerable.Range(0, 6).Select(_ =>
        {
            var engine = router.Choose(turn, 0, new HashSet<string>())!;
            router.Sent(engine, turn, 0);
            return engine.Id;
        }).ToList();

        Assert.Equal(["e1", "e1", "e1", "e1", "e1", "e2"], choices);
    }

    [Fact]
    public void LatencyPercentilesCountTooSlowTurnsAsInfiniteAndLeaveBrokenOnesOut()
    {
        var scenario = Scenario(ttftTarget: 1.0, traceSeconds: 10, sessions: 100);
        var answered = Enumerable.Range(0, 98).Select(i => Answered(i, ttft: 0.01 * (i + 1), cached: i < 49 ? 10 : 0)).ToList();
        List<TurnRecord> timedOut = [.. answered, Failed(98, "timeout"), Failed(99, "stream broke")];
        List<TurnRecord> broken = [.. answered, Failed(98, "http 502"), Failed(99, "stream broke")];

        var slow = ArmResult.From("arm", scenario, timedOut, modelLoads: null);
        var failing = ArmResult.From("arm", scenario, broken, modelLoads: null);

        Assert.Null(slow.TtftP99);
        Assert.Equal(0.50, slow.TtftP50!.Value, 9);
        Assert.Equal(0.98, failing.TtftP99!.Value, 9);
        Assert.Equal(new Dictionary<string, int> { ["http 502"] = 1, ["stream broke"] = 1 }, failing.Failures);
        Assert.Equal(98, failing.Succeeded);
        Assert.Equal(98 / 10.0, failing.Goodput, 9);
        Assert.Equal(0.98, failing.GoodShare, 9);
        Assert.Equal(490 / 9800.0, failing.CacheHitRate, 9);
        Assert.Null(failing.ColdLoadWaits);
        Assert.Equal(98, failing.ServedBy["e"]);
    }

    [Fact]
    public void ConversationsReportTheirFirstAndLaterTurnsApart()
    {
        var scenario = Scenario(ttftTarget: 0.5, traceSeconds: 10, sessions: 2, turns: 3);
        List<TurnRecord> records =
        [
            Answered(0, ttft: 2.0) with { Turn = 0 }, Answered(0, ttft: 0.2) with { Turn = 1 }, Answered(0, ttft: 0.3) with { Turn = 2 },
            Answered(1, ttft: 3.0) with { Turn = 0 }, Answered(1, ttft: 0.1) with { Turn = 1 }, Failed(1, "abandoned") with { Turn = 2 },
        ];

        var result = ArmResult.From("arm", scenario, records, modelLoads: null);

        Assert.Equal(2.0, result.FirstTurnTtftP50);
        Assert.Equal(0.2, result.LaterTurnTtftP50);
        Assert.Equal(3, result.Goodput * 10, 9);
    }

    [Fact]
    public void TheArmsFileHasGenieHivesStrategiesAndTheClientRouters()
    {
        var arms = ArmDefinition.Load(ArmsFile());

        Assert.Equal(["scored", "round_robin", "least_loaded", "random", "reference"], arms.Select(a => a.Name));
        Assert.Equal([RoutingStrategies.Scored, RoutingStrategies.RoundRobin, RoutingStrategies.LeastLoaded], arms.Take(3).Select(a => a.Strategy));
        Assert.All(arms.Take(3), a => Assert.True(RoutingStrategies.IsKnown(a.Strategy)));
        Assert.True(arms[4].IsReference);
        Assert.True(arms[3].RoutesClientSide);
    }

    [Theory]
    [InlineData("""{"arms":[{"name":"both","strategy":"scored","router":"random"}]}""")]
    [InlineData("""{"arms":[{"name":"neither"}]}""")]
    [InlineData("""{"arms":[{"name":"odd","router":"psychic"}]}""")]
    public void AnArmMustBeExactlyOneKind(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), "geniehive-arms-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        try
        {
            Assert.Throws<ArgumentException>(() => ArmDefinition.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void SettingsPickArmsAndAddOneByStrategyName()
    {
        var root = QualitySettings.RepositoryRoot();

        var settings = QualitySettings.Parse(["--repo", root, "--arms-file", ArmsFile(), "--quick", "--seed", "3", "--arms", "scored,reference", "--arm", "predicted=predicted_delay", "--facade-setting", "GenieHive:Routing:X=1"]);

        Assert.True(settings.Quick);
        Assert.Equal(3, settings.Seed);
        Assert.Equal(["scored", "reference", "predicted"], settings.Arms.Select(a => a.Name));
        Assert.Equal("predicted_delay", settings.Arms[2].Strategy);
        Assert.Equal("1", settings.FacadeSettings["GenieHive:Routing:X"]);
        Assert.Equal(Path.Combine(root, "bench", "results"), settings.ResultsDir);
        Assert.Throws<ArgumentException>(() => QualitySettings.Parse(["--arms-file", ArmsFile(), "--arms", "nope"]));
        Assert.Throws<ArgumentException>(() => QualitySettings.Parse(["--arms-file", ArmsFile(), "--arm", "scored=scored"]));
        Assert.Throws<ArgumentException>(() => QualitySettings.Parse(["--arms-file", ArmsFile(), "--bogus"]));
        Assert.Throws<ArgumentException>(() => QualitySettings.Parse(["--arms-file", ArmsFile(), "--arm", "noequals"]));
    }

    [Fact]
    public void EveryScenarioIsBoundedAndHasItsTrace()
    {
        foreach (var quick in new[] { true, false })
        {
            var scenarios = ScenarioCatalog.All(quick, seed: 1);

            Assert.Equal(["heterogeneous-40", "heterogeneous-80", "multi-turn", "cold-loads", "engine-death", "bursts"], scenarios.Select(s => s.Name));
            Assert.All(scenarios, s =>
            {
                Assert.NotEmpty(s.Sessions);
                Assert.InRange(s.TraceSeconds, 1, 60);
                Assert.All(s.Sessions, session => Assert.Contains(session.Model, s.Models));
            });
            Assert.Equal(scenarios.Count, scenarios.SelectMany(s => s.Models).Distinct().Count() - 3);
            Assert.All(scenarios, s => Assert.All(s.Models, m => Assert.StartsWith(s.Name + "-", m, StringComparison.Ordinal)));
            Assert.Equal("fast", scenarios[0].EngineOf("heterogeneous-40-fast"));
            Assert.Null(scenarios[0].EngineOf("heterogeneous-80-fast"));
            Assert.True(scenarios.Single(s => s.Name == "cold-loads").ClientArmsDirect);
            Assert.False(scenarios.Single(s => s.Name == "heterogeneous-80").ClientArmsDirect);
            Assert.Equal("e3", scenarios.Single(s => s.Name == "engine-death").Kill!.EngineId);
        }
    }

    [Fact]
    public void TheReportHasARowPerArmWithRatiosAndTheChartIsWellFormedSvg()
    {
        var scenario = Scenario(ttftTarget: 1, traceSeconds: 10, sessions: 4);
        var fast = ArmResult.From("reference", scenario, [.. Enumerable.Range(0, 4).Select(i => Answered(i, ttft: 0.1) with { EndToEndSeconds = 1 })], null);
        var slow = ArmResult.From("scored", scenario, [.. Enumerable.Range(0, 4).Select(i => Answered(i, ttft: 0.1) with { EndToEndSeconds = 2 })], null);
        var report = ScenarioReport.From(scenario, [slow, fast], baseline: "reference");

        var markdown = new System.Text.StringBuilder();
        report.AppendMarkdown(markdown);
        var svg = XDocument.Parse(RatioChart.Svg([report]));

        Assert.Contains("| scored | 0.10 s | 0.10 s | 2.00 s | 2.00 s | 2.00×, 2.00× |", markdown.ToString());
        Assert.Contains("| reference |", markdown.ToString());
        Assert.Equal(2.0, report.Ratio(slow, a => a.EndToEndP99));
        Assert.Contains(svg.Descendants().Where(e => e.Name.LocalName == "text"), t => t.Value.Contains("p99 2.00×", StringComparison.Ordinal));
    }

    [Fact]
    public void AReportReadBackFromItsJsonDrawsTheSameTablesAndChart()
    {
        var scenario = Scenario(ttftTarget: 1, traceSeconds: 10, sessions: 2, turns: 2);
        var arm = ArmResult.From("reference", scenario, [Answered(0, ttft: 0.2), Failed(1, "cut")], modelLoads: null);
        var report = new QualityReport
        {
            Started = DateTimeOffset.Parse("2026-12-02T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            DurationSeconds = 60,
            Quick = true,
            Seed = 1,
            HeartbeatSeconds = 5,
            RequestTimeoutSeconds = 30,
            Machine = new quality::GenieHive.Bench.Load.Report.MachineInfo(2, "cpu", 1, "linux", ".NET", "10", "abc", false),
            LoadAverageBefore = 1,
            LoadAverageAfter = 1,
            Scenarios = [ScenarioReport.From(scenario, [arm], "reference")],
        };

        var again = QualityReport.FromJson(report.ToJson());

        Assert.Equal(report.ToMarkdown(), again.ToMarkdown());
        Assert.Equal(RatioChart.Svg(report.Scenarios), RatioChart.Svg(again.Scenarios));
        Assert.Null(again.Scenarios[0].Arms[0].TtftP99);
        Assert.Equal("/tmp/run.json", QualitySettings.Parse(["--arms-file", ArmsFile(), "--chart", "/tmp/run.json"]).ChartOf);
    }

    [Fact]
    public void AnArmsTimeCoversTheLongestConversationsThinking()
    {
        var single = Scenario(ttftTarget: 1, traceSeconds: 10, sessions: 3);
        var conversations = Scenario(ttftTarget: 1, traceSeconds: 10, sessions: 3, turns: 4);

        Assert.Equal(0, single.ThinkingSeconds);
        Assert.Equal(3, conversations.ThinkingSeconds);
    }

    private static string ArmsFile() => Path.Combine(QualitySettings.RepositoryRoot(), "bench", "GenieHive.Bench.Quality", "arms.json");

    private static Scenario Scenario(double ttftTarget, double traceSeconds, int sessions, int turns = 1) => new()
    {
        Name = "test",
        Description = "A test scenario.",
        Engines = [new EngineProfile { Id = "e", Models = [Model], Slots = 1 }],
        Sessions = [.. Enumerable.Range(0, sessions).Select(i => new Session(i, 0, Model, "s", "o", [.. Enumerable.Range(1, turns - 1).Select(_ => new FollowUp(1, "q"))], 4))],
        TraceSeconds = traceSeconds,
        TtftTargetSeconds = ttftTarget,
    };

    private static TurnRecord Answered(int session, double ttft, int cached = 0) => new()
    {
        Session = session, Turn = 0, Model = Model, SentAt = 0, TtftSeconds = ttft, EndToEndSeconds = ttft + 1, PromptTokens = 100, CachedTokens = cached, ServedBy = "e", Attempts = 1,
    };

    private static TurnRecord Failed(int session, string failure) => new() { Session = session, Turn = 0, Model = Model, SentAt = 0, Failure = failure, Attempts = 1 };
}
