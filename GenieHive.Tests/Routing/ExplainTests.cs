using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Routing;
using static GenieHive.Tests.Routing.RoutingTables;

namespace GenieHive.Tests.Routing;

public sealed class ExplainTests
{
    [Fact]
    public void ExplainShowsTheChoiceTheRankedCandidatesAndTheExcluded()
    {
        var snapshot = Snapshot(
            [
                Service("best", assets: ["qwen3-8b"], loaded: ["qwen3-8b"], p50: 400, tps: 45),
                Service("second", assets: ["qwen3-4b"], p50: 1000, tps: 25),
                Service("cooling", assets: ["qwen3-1b"], cooldownUntil: Now + 30),
                Service("mistral", assets: ["mistral-7b"], loaded: ["mistral-7b"]),
                Service("down", assets: ["qwen3-8b"], health: HealthStates.Unhealthy),
            ],
            [Role("mentor", families: ["qwen3", "mistral"], systemPrompt: "Be kind.")]);

        var resolution = snapshot.Explain("mentor", ServiceKinds.Chat, Now);

        Assert.NotNull(resolution);
        Assert.Equal("role", resolution.MatchType);
        Assert.Equal("mentor", resolution.Model);
        Assert.Equal(ServiceKinds.Chat, resolution.Kind);
        Assert.Equal("best", resolution.Service!.ServiceId);
        Assert.Equal("mentor", resolution.Role!.RoleId);
        Assert.Null(resolution.FallbackVia);
        Assert.Equal("qwen3-8b", resolution.UpstreamModel);
        Assert.Equal(RoutingStrategies.Scored, resolution.Strategy);

        Assert.Equal(["best", "second"], resolution.Candidates.Select(c => c.ServiceId).ToArray());
        var best = resolution.Candidates[0];
        Assert.Equal(0.3825, best.Score);
        Assert.Equal(0.85, best.Signals.RuntimeScore);
        Assert.Equal(0, best.Signals.TextOverlap);
        Assert.Equal(0, best.Signals.BenchmarkScore);
        Assert.Equal(1.0, best.Signals.FamilyMatch);
        Assert.True(best.Signals.Loaded);
        Assert.Equal(400, best.Signals.P50LatencyMs);
        Assert.Equal("reported", best.Signals.RuntimeSource);
        Assert.Contains("service already has a loaded asset", best.Reasons);
        Assert.Contains("low observed latency", best.Reasons);
        Assert.Contains("good observed throughput", best.Reasons);
        Assert.Equal(0.135, resolution.Candidates[1].Score);

        Assert.Equal(
            ["cooling:cooling_down", "down:unhealthy", "mistral:family_not_preferred"],
            resolution.Excluded.Select(e => e.ServiceId + ":" + e.Reason).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void ExplainOfAnUnknownNameIsNull()
    {
        Assert.Null(Snapshot([Service("s")]).Explain("nope", ServiceKinds.Chat, Now));
        Assert.Null(Snapshot([Service("s")]).Explain("nope", null, Now));
    }

    [Fact]
    public void ExplainWithoutKindTriesDirectNamesAcrossKindsThenRoles()
    {
        var snapshot = Snapshot(
            [
                Service("emb", assets: ["bge"], kind: ServiceKinds.Embeddings),
                Service("stt", assets: ["whisper"], kind: ServiceKinds.Transcription),
                Service("down", assets: ["scribe"], kind: ServiceKinds.Chat, health: HealthStates.Unhealthy),
            ],
            [Role("scribe", operation: ServiceKinds.Transcription)]);

        Assert.Equal(ServiceKinds.Embeddings, snapshot.Explain("bge", null, Now)!.Kind);
        Assert.Equal("direct", snapshot.Explain("whisper", null, Now)!.MatchType);

        var role = snapshot.Explain("scribe", null, Now)!;
        Assert.Equal("role", role.MatchType);
        Assert.Equal(ServiceKinds.Transcription, role.Kind);
        Assert.Equal("stt", role.Service!.ServiceId);
        Assert.Equal("whisper", role.UpstreamModel);
    }

    [Fact]
    public void ExplainOfANameThatCannotServeHasNoService()
    {
        var resolution = Snapshot([Service("s", assets: ["m"], stale: true)]).Explain("m", ServiceKinds.Chat, Now)!;

        Assert.Equal("direct", resolution.MatchType);
        Assert.Null(resolution.Service);
        Assert.Null(resolution.UpstreamModel);
        Assert.Empty(resolution.Candidates);
        Assert.Equal("host_stale", Assert.Single(resolution.Excluded).Reason);
    }

    [Fact]
    public void ExplainReportsTheFallbackRole()
    {
        var resolution = Snapshot(
            [Service("s", assets: ["m"])],
            [Role("strict", requireLoaded: true, fallbacks: ["general"]), Role("general")]).Explain("strict", ServiceKinds.Chat, Now)!;

        Assert.Equal("strict", resolution.Role!.RoleId);
        Assert.Equal("general", resolution.FallbackVia);
        Assert.Equal("s", resolution.Service!.ServiceId);
    }

    [Fact]
    public void ExplainSkipsLocalCooldownsWhenGivenTheCallersView()
    {
        var snapshot = Snapshot([Service("a", assets: ["m"], loaded: ["m"]), Service("b", assets: ["m"])]);
        var live = new FakeLive(cooldowns: new() { ["a"] = Now + 10 });

        var resolution = snapshot.Explain("m", ServiceKinds.Chat, Now, new RouteSelector(), live)!;

        Assert.Equal("b", resolution.Service!.ServiceId);
        Assert.Contains(new ExcludedService("a", "h1", "cooling_down"), resolution.Excluded);
    }

    [Fact]
    public void ExplainShowsMeasuredFiguresAndBenchmarkSignals()
    {
        var service = Service("s", assets: ["m"], p50: 100) with
        {
            Measured = new ServiceMeasurements { Requests = 10, P50LatencyMs = 1600, TokensPerSec = 41 },
        };
        var resolution = Snapshot(
                [service],
                benchmarks: [Sample("s", "chat", new JsonObject { ["quality_score"] = 0.9, ["tokens_per_sec"] = 30, ["ttft_ms"] = 900 })])
            .Explain("m", ServiceKinds.Chat, Now)!;

        var signals = resolution.Candidates[0].Signals;
        Assert.Equal("measured", signals.RuntimeSource);
        Assert.Equal(1600, signals.P50LatencyMs);
        Assert.Equal(0.30, signals.RuntimeScore);
        Assert.Equal(1, signals.BenchmarkMatchCount);
        Assert.Equal(0.85625, signals.BenchmarkQualityScore!.Value, 0.0001);
        Assert.Equal(0.4709, signals.BenchmarkScore);
        Assert.Equal(CandidateRound((0.45 * 0.30) + (0.35 * 0.55 * 0.85625)), resolution.Candidates[0].Score);
        Assert.Contains("benchmark results indicate strong empirical fit", resolution.Candidates[0].Reasons);
    }

    private static double CandidateRound(double value) => Math.Round(value, 4, MidpointRounding.AwayFromZero);
}
