using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using static GenieHive.Tests.Routing.RoutingTables;

namespace GenieHive.Tests.Routing;

public sealed class MatchTests
{
    private static readonly ServiceView[] Services =
    [
        Service("s1", assets: ["qwen3-8b"], loaded: ["qwen3-8b"], p50: 400, tps: 45),
        Service("s2", assets: ["mistral-7b"], p50: 2000, tps: 25),
        Service("e1", assets: ["bge-small"], kind: ServiceKinds.Embeddings),
    ];

    private static readonly RoleView Coder = Role("coder", families: ["qwen3"], description: "Writes python code.");

    private static readonly BenchmarkSample[] Samples = [Sample("s1", "python code", new JsonObject { ["quality_score"] = 1.0 })];

    [Fact]
    public void RolesAndServicesAreScoredWithTheSeedsWeights()
    {
        var response = Snapshot(Services, [Coder], benchmarks: Samples).Match(new RouteMatchRequest { Task = "python code", Kind = ServiceKinds.Chat }, Now);

        Assert.Equal("ok", response.Status);
        Assert.Equal(1, response.TaskCount);
        Assert.Equal(["coder", "s1", "s2"], response.Candidates.Select(c => c.CandidateId).ToArray());

        // text 1 (both task tokens are in the role text), runtime 0.85, benchmark 0.45 × 1 + 0.55 × 0.65, family 1
        var role = response.Candidates[0];
        Assert.Equal("role", role.CandidateType);
        Assert.Equal(0.9069, role.Score);
        Assert.Equal(1.0, role.Signals.TextOverlap);
        Assert.Equal(0.85, role.Signals.RuntimeScore);
        Assert.Equal(0.8075, role.Signals.BenchmarkScore);
        Assert.Equal(1.0, role.Signals.FamilyMatch);
        Assert.Equal("s1", role.Service!.ServiceId);
        Assert.Equal("coder", role.Role!.RoleId);
        Assert.Contains("task text overlaps role description or policy", role.Reasons);
        Assert.Contains("resolved service matches role preferred model family", role.Reasons);
        Assert.Contains("recent benchmark sample matches requested workload or task shape", role.Reasons);
        Assert.Contains("benchmark results indicate strong empirical fit", role.Reasons);

        // text 0, runtime 0.85, benchmark 0.8075
        var service = response.Candidates[1];
        Assert.Equal("service", service.CandidateType);
        Assert.Equal(0.6651, service.Score);
        Assert.Null(service.Signals.FamilyMatch);
        Assert.Equal(0.09, response.Candidates[2].Score);
    }

    [Fact]
    public void ServiceTextOverlapCountsTowardsTheServiceScore()
    {
        var response = Snapshot(Services).Match(new RouteMatchRequest { Task = "mistral", Kind = ServiceKinds.Chat }, Now);

        var mistral = response.Candidates.Single(c => c.CandidateId == "s2");
        Assert.Equal(1.0, mistral.Signals.TextOverlap);
        Assert.Equal(0.2 + (0.45 * 0.2), mistral.Score, 12);
        Assert.Contains("task text overlaps service or asset metadata", mistral.Reasons);
    }

    [Fact]
    public void CandidatesAreTruncatedToTheLimitButAtLeastOne()
    {
        var snapshot = Snapshot(Services, [Coder], benchmarks: Samples);

        Assert.Equal(2, snapshot.Match(new RouteMatchRequest { Task = "python code", Limit = 2 }, Now).Candidates.Count);
        Assert.Single(snapshot.Match(new RouteMatchRequest { Task = "python code", Limit = 0 }, Now).Candidates);
        Assert.Single(snapshot.Match(new RouteMatchRequest { Task = "python code", Limit = -5 }, Now).Candidates);
    }

    [Fact]
    public void RolesComeBeforeServicesOnTiesThenIdsAscending()
    {
        var snapshot = Snapshot([Service("a"), Service("c")], [Role("z"), Role("b")]);

        var response = snapshot.Match(new RouteMatchRequest(), Now);

        Assert.All(response.Candidates, c => Assert.Equal(0, c.Score));
        Assert.Equal(["b", "z", "a", "c"], response.Candidates.Select(c => c.CandidateId).ToArray());
    }

    [Fact]
    public void KindModalityAndDirectServicesFilterCandidates()
    {
        var snapshot = Snapshot(Services, [Coder, Role("embedder", operation: ServiceKinds.Embeddings), Role("listener", operation: ServiceKinds.Transcription) with { Modality = "audio" }]);

        Assert.Equal(["e1", "embedder"], snapshot.Match(new RouteMatchRequest { Kind = ServiceKinds.Embeddings }, Now).Candidates.Select(c => c.CandidateId).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(["listener"], snapshot.Match(new RouteMatchRequest { Modality = "Audio", IncludeDirectServices = false }, Now).Candidates.Select(c => c.CandidateId).ToArray());
        Assert.All(snapshot.Match(new RouteMatchRequest { IncludeDirectServices = false }, Now).Candidates, c => Assert.Equal("role", c.CandidateType));
    }

    [Fact]
    public void TasksAndWorkloadsAreMergedAndTrimmed()
    {
        var response = Snapshot(Services).Match(new RouteMatchRequest
        {
            Task = "  first ",
            Tasks = ["second", " ", ""],
            Workload = "w1",
            Workloads = [" w2 "],
        }, Now);

        Assert.Equal(["first", "second"], response.Tasks);
        Assert.Equal(2, response.TaskCount);
        Assert.Equal(["w1", "w2"], response.Workloads);
    }

    [Fact]
    public void ARoleWithoutAHealthyServiceScoresOnTextAlone()
    {
        var response = Snapshot([Service("s", stale: true)], [Role("coder", description: "python code")])
            .Match(new RouteMatchRequest { Task = "python", IncludeDirectServices = false }, Now);

        var role = Assert.Single(response.Candidates);
        Assert.Null(role.Service);
        Assert.Equal(0.30, role.Score);
        Assert.Equal(0, role.Signals.FamilyMatch);
        Assert.Equal("none", role.Signals.RuntimeSource);
        Assert.Contains("no healthy service currently resolves for this role", role.Reasons);
    }

    [Fact]
    public void IneligibleAndCoolingServicesAreNotServiceCandidates()
    {
        var response = Snapshot([Service("ok"), Service("down", health: HealthStates.Unhealthy), Service("cool", cooldownUntil: Now + 1)])
            .Match(new RouteMatchRequest(), Now);

        Assert.Equal(["ok"], response.Candidates.Select(c => c.CandidateId).ToArray());
    }

    [Fact]
    public void WorkloadsMatchBenchmarksExactly()
    {
        var response = Snapshot(
                [Service("s")],
                benchmarks: [Sample("s", "agentic-terminal", new JsonObject { ["pass_rate"] = 1.0 })])
            .Match(new RouteMatchRequest { Workload = "agentic-terminal" }, Now);

        var candidate = Assert.Single(response.Candidates);
        Assert.Equal(1.0, candidate.Signals.BestWorkloadOverlap);
        Assert.Equal(0.45 + (0.55 * 0.65), candidate.Signals.BenchmarkScore, 4);
        Assert.Equal(CandidateRound(0.35 * (0.45 + (0.55 * 0.65))), candidate.Score);
    }

    private static double CandidateRound(double value) => Math.Round(value, 4, MidpointRounding.AwayFromZero);
}
