using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using static GenieHive.Tests.Routing.RoutingTables;

namespace GenieHive.Tests.Routing;

public sealed class ResolutionTests
{
    [Fact]
    public void AnAssetNameRoutesDirectlyLoadedFirst()
    {
        var snapshot = Snapshot(
        [
            Service("fast-cold", assets: ["m"], p50: 100, tps: 50),
            Service("slow-warm", assets: ["m"], loaded: ["m"]),
        ]);

        var plan = snapshot.Find("m", ServiceKinds.Chat);

        Assert.NotNull(plan);
        Assert.Equal("direct", plan.MatchType);
        Assert.Equal(["slow-warm", "fast-cold"], Ids(plan.Targets));
        Assert.Null(plan.Role);
    }

    [Fact]
    public void ForAnAssetNameLoadedMeansThatAssetIsLoaded()
    {
        var snapshot = Snapshot(
        [
            Service("other-warm", assets: ["m", "other"], loaded: ["other"], p50: 100, tps: 50),
            Service("m-warm", assets: ["m"], loaded: ["m"]),
        ]);

        var targets = snapshot.Find("m", ServiceKinds.Chat)!.Targets;

        Assert.Equal(["m-warm", "other-warm"], Ids(targets));
        Assert.True(targets[0].Loaded);
        Assert.False(targets[1].Loaded);
        Assert.Equal("m", targets[1].UpstreamModel);
        Assert.True(snapshot.Find("other-warm", ServiceKinds.Chat)!.Targets[0].Loaded);
    }

    [Fact]
    public void DirectTargetsRankByScoreThenServiceIdAscending()
    {
        var snapshot = Snapshot(
        [
            Service("c", assets: ["m"], loaded: ["m"], p50: 2000),
            Service("b", assets: ["m"], loaded: ["m"], p50: 100),
            Service("a", assets: ["m"], loaded: ["m"], p50: 100),
        ]);

        Assert.Equal(["a", "b", "c"], Ids(snapshot.Find("m", ServiceKinds.Chat)!.Targets));
    }

    [Fact]
    public void AServiceIdRoutesDirectlyAndCountsAsLoadedWhenAnyAssetIs()
    {
        var snapshot = Snapshot([Service("atlas/chat", assets: ["x", "y"], loaded: ["y"])]);

        var plan = snapshot.Find("atlas/chat", ServiceKinds.Chat)!;

        Assert.Equal("direct", plan.MatchType);
        Assert.True(plan.Targets[0].Loaded);
        Assert.Equal("y", plan.Targets[0].UpstreamModel);
    }

    [Fact]
    public void ADirectNameWithNoEligibleServiceGivesAPlanWithoutTargets()
    {
        var snapshot = Snapshot([Service("s", assets: ["m"], health: HealthStates.Unhealthy)]);

        var plan = snapshot.Find("m", ServiceKinds.Chat);

        Assert.NotNull(plan);
        Assert.Equal("direct", plan.MatchType);
        Assert.Empty(plan.Targets);
        Assert.Equal([new ExcludedService("s", "h1", "unhealthy")], plan.Excluded);
    }

    [Fact]
    public void DirectBeatsARoleOfTheSameNameWhenItCanServe()
    {
        var snapshot = Snapshot(
            [Service("direct-svc", assets: ["mentor"]), Service("other", assets: ["z"])],
            [Role("mentor")]);

        var plan = snapshot.Find("mentor", ServiceKinds.Chat)!;

        Assert.Equal("direct", plan.MatchType);
        Assert.Equal(["direct-svc"], Ids(plan.Targets));
    }

    [Fact]
    public void ARoleWinsOverADirectNameThatCannotServe()
    {
        var snapshot = Snapshot(
            [Service("direct-svc", assets: ["mentor"], stale: true), Service("other", assets: ["z"])],
            [Role("mentor")]);

        var plan = snapshot.Find("mentor", ServiceKinds.Chat)!;

        Assert.Equal("role", plan.MatchType);
        Assert.Equal(["other"], Ids(plan.Targets));
    }

    [Fact]
    public void UnknownNamesAndOtherKindsAreUnknown()
    {
        var snapshot = Snapshot(
            [Service("e", assets: ["bge"], kind: ServiceKinds.Embeddings)],
            [Role("embedder", operation: ServiceKinds.Embeddings)]);

        Assert.Null(snapshot.Find("nope", ServiceKinds.Chat));
        Assert.Null(snapshot.Find("bge", ServiceKinds.Chat));
        Assert.Null(snapshot.Find("embedder", ServiceKinds.Chat));
        Assert.Null(snapshot.Find("bge", "images"));
        Assert.Equal(["e"], Ids(snapshot.Find("bge", ServiceKinds.Embeddings)!.Targets));
        Assert.Equal(["e"], Ids(snapshot.Find("embedder", ServiceKinds.Embeddings)!.Targets));
    }

    [Fact]
    public void ServicesOfAnotherKindSharingTheNameAreExcludedAsWrongKind()
    {
        var snapshot = Snapshot([Service("x", assets: ["shared"]), Service("y", assets: ["shared"], kind: ServiceKinds.Embeddings)]);

        var plan = snapshot.Find("shared", ServiceKinds.Chat)!;

        Assert.Equal(["x"], Ids(plan.Targets));
        Assert.Equal([new ExcludedService("y", "h1", "wrong_kind")], plan.Excluded);
    }

    public static TheoryData<string, ServiceView> IneligibleServices => new()
    {
        { "unhealthy", Service("s", health: HealthStates.Unhealthy) },
        { "health:unknown", Service("s", health: HealthStates.Unknown) },
        { "health:missing", Service("s", health: null) },
        { "host_stale", Service("s", stale: true) },
        { "not_accepting", Service("s", accept: false) },
        { "availability:draining", Service("s", availability: Availability.Draining) },
        { "availability:paused_by_user", Service("s", availability: Availability.PausedByUser) },
        { "availability:offline", Service("s", availability: Availability.Offline) },
        { "availability:quarantined", Service("s", availability: Availability.Quarantined) },
        { "context_too_small:4096<8192", Service("s", assets: ["m"], context: 4096) },
    };

    [Theory]
    [MemberData(nameof(IneligibleServices))]
    public void IneligibleServicesAreExcludedWithTheirReason(string reason, ServiceView service)
    {
        var snapshot = Snapshot([service], [Role("r", minContext: 8192)]);

        var plan = snapshot.Find("r", ServiceKinds.Chat)!;

        Assert.Empty(plan.Targets);
        Assert.Equal([new ExcludedService("s", "h1", reason)], plan.Excluded);
    }

    [Fact]
    public void BusyServicesAndUnknownContextStayEligible()
    {
        var snapshot = Snapshot(
            [Service("busy", availability: Availability.Busy, context: 16384, assets: ["m"]), Service("unknown-context")],
            [Role("r", minContext: 8192)]);

        Assert.Equal(["busy", "unknown-context"], Ids(snapshot.Find("r", ServiceKinds.Chat)!.Targets));
    }

    [Fact]
    public void ContextIsTheLargestKnownValue()
    {
        var service = Service("s", assets: ["m"], context: 2048) with
        {
            Runtime = new() { ContextSize = 4096, Extra = new() { ["max_context"] = System.Text.Json.JsonDocument.Parse("\"9000\"").RootElement } },
        };

        var snapshot = Snapshot([service], [Role("r", minContext: 8192), Role("big", minContext: 9001)]);

        Assert.Single(snapshot.Find("r", ServiceKinds.Chat)!.Targets);
        Assert.Equal("context_too_small:9000<9001", snapshot.Find("big", ServiceKinds.Chat)!.Excluded[0].Reason);
    }

    [Fact]
    public void RequireLoadedIsARealFilter()
    {
        var snapshot = Snapshot(
            [Service("warm", assets: ["m"], loaded: ["m"]), Service("cold", assets: ["m"], p50: 10, tps: 100)],
            [Role("r", requireLoaded: true)]);

        var plan = snapshot.Find("r", ServiceKinds.Chat)!;

        Assert.Equal(["warm"], Ids(plan.Targets));
        Assert.Equal([new ExcludedService("cold", "h1", "not_loaded")], plan.Excluded);
    }

    [Fact]
    public void RequireLoadedEmptyingThePoolTriggersTheFallbackRole()
    {
        var snapshot = Snapshot(
            [Service("cold", assets: ["m"])],
            [Role("strict", requireLoaded: true, fallbacks: ["general"]), Role("general")]);

        var plan = snapshot.Find("strict", ServiceKinds.Chat)!;

        Assert.Equal("role", plan.MatchType);
        Assert.Equal("strict", plan.Role!.RoleId);
        Assert.Equal("general", plan.FallbackVia);
        Assert.Equal(["cold"], Ids(plan.Targets));
        Assert.Contains(new ExcludedService("cold", "h1", "not_loaded"), plan.Excluded);
    }

    [Fact]
    public void PreferredFamiliesAreOrdered()
    {
        ServiceView[] services =
        [
            Service("q", assets: ["qwen3-8b"]),
            Service("m", assets: ["mistral-7b"], loaded: ["mistral-7b"], p50: 10, tps: 90),
            Service("l", assets: ["llama-3"]),
        ];
        var snapshot = Snapshot(services, [Role("qwen-first", families: ["Qwen3", "mistral"]), Role("mistral-first", families: ["mistral", "qwen3"])]);

        var qwenFirst = snapshot.Find("qwen-first", ServiceKinds.Chat)!;
        Assert.Equal(["q"], Ids(qwenFirst.Targets));
        Assert.Contains(new ExcludedService("m", "h1", "family_not_preferred"), qwenFirst.Excluded);
        Assert.Contains(new ExcludedService("l", "h1", "family_not_preferred"), qwenFirst.Excluded);
        Assert.Equal(["m"], Ids(snapshot.Find("mistral-first", ServiceKinds.Chat)!.Targets));
    }

    [Fact]
    public void AFamilyMatchesAsASubstringOfTheAssetIds()
    {
        var snapshot = Snapshot(
            [Service("new", assets: ["Qwen3.5-9B"]), Service("old", assets: ["mistral-7b"])],
            [Role("r", families: ["qwen3", "mistral"])]);

        Assert.Equal(["new"], Ids(snapshot.Find("r", ServiceKinds.Chat)!.Targets));
    }

    [Fact]
    public void WhenNoServiceMatchesAFamilyAllStay()
    {
        var snapshot = Snapshot([Service("a", assets: ["llama"]), Service("b", assets: ["phi"])], [Role("r", families: ["qwen3"])]);

        Assert.Equal(["a", "b"], Ids(snapshot.Find("r", ServiceKinds.Chat)!.Targets));
    }

    [Fact]
    public void FallbackRolesAreTriedInOrderDepthFirst()
    {
        var snapshot = Snapshot(
            [Service("for-c", assets: ["c-model"]), Service("for-b", assets: ["b-model"])],
            [
                Role("r", requireLoaded: true, fallbacks: ["a", "b"]),
                Role("a", requireLoaded: true, fallbacks: ["c"]),
                Role("b", families: ["b-model"]),
                Role("c", families: ["c-model"]),
            ]);

        var plan = snapshot.Find("r", ServiceKinds.Chat)!;

        Assert.Equal("r", plan.Role!.RoleId);
        Assert.Equal("c", plan.FallbackVia);
        Assert.Equal(["for-c"], Ids(plan.Targets));
    }

    [Fact]
    public void FallbackSkipsRolesOfAnotherOperationAndUnknownRoles()
    {
        var snapshot = Snapshot(
            [Service("chat", assets: ["m"]), Service("emb", assets: ["e"], kind: ServiceKinds.Embeddings)],
            [
                Role("r", requireLoaded: true, fallbacks: ["missing", "embedder", "general"]),
                Role("embedder", operation: ServiceKinds.Embeddings),
                Role("general"),
            ]);

        var plan = snapshot.Find("r", ServiceKinds.Chat)!;

        Assert.Equal("general", plan.FallbackVia);
        Assert.Equal(["chat"], Ids(plan.Targets));
    }

    [Fact]
    public void FallbackCyclesTerminate()
    {
        var snapshot = Snapshot(
            [Service("cold", assets: ["m"])],
            [
                Role("a", requireLoaded: true, fallbacks: ["b", "a"]),
                Role("b", requireLoaded: true, fallbacks: ["a", "c"]),
                Role("c", requireLoaded: true, fallbacks: ["a", "b"]),
            ]);

        var plan = snapshot.Find("a", ServiceKinds.Chat)!;

        Assert.Empty(plan.Targets);
        Assert.Null(plan.FallbackVia);
        Assert.Equal(
            ["not_loaded", "fallback:b:not_loaded", "fallback:c:not_loaded"],
            plan.Excluded.Select(e => e.Reason).ToArray());
    }

    [Fact]
    public void AFallbackCycleStillReachesAServingRole()
    {
        var snapshot = Snapshot(
            [Service("cold", assets: ["m"])],
            [
                Role("a", requireLoaded: true, fallbacks: ["b"]),
                Role("b", requireLoaded: true, fallbacks: ["a", "c"]),
                Role("c"),
            ]);

        var plan = snapshot.Find("a", ServiceKinds.Chat)!;

        Assert.Equal("c", plan.FallbackVia);
        Assert.Equal(["cold"], Ids(plan.Targets));
    }

    [Fact]
    public void ARoleWithNoEligibleServiceAndNoFallbackGivesAPlanWithoutTargets()
    {
        var snapshot = Snapshot([Service("s", stale: true)], [Role("r")]);

        var plan = snapshot.Find("r", ServiceKinds.Chat)!;

        Assert.Equal("role", plan.MatchType);
        Assert.Empty(plan.Targets);
        Assert.Equal("host_stale", Assert.Single(plan.Excluded).Reason);
    }

    [Fact]
    public void TheTableStrategyAppliesUnlessTheRoleOverridesIt()
    {
        var snapshot = Snapshot(
            [Service("s", assets: ["m"])],
            [Role("plain"), Role("rr", strategy: RoutingStrategies.RoundRobin), Role("bogus", strategy: "random")],
            strategy: RoutingStrategies.LeastLoaded);

        Assert.Equal(RoutingStrategies.LeastLoaded, snapshot.Find("m", ServiceKinds.Chat)!.Strategy);
        Assert.Equal(RoutingStrategies.LeastLoaded, snapshot.Find("plain", ServiceKinds.Chat)!.Strategy);
        Assert.Equal(RoutingStrategies.RoundRobin, snapshot.Find("rr", ServiceKinds.Chat)!.Strategy);
        Assert.Equal(RoutingStrategies.LeastLoaded, snapshot.Find("bogus", ServiceKinds.Chat)!.Strategy);
    }

    [Fact]
    public void RoleTargetsRankByRuntimeAndBenchmarkQuality()
    {
        var snapshot = Snapshot(
            [
                Service("plain", assets: ["m"], loaded: ["m"], p50: 400, tps: 45),
                Service("proven", assets: ["m"], loaded: ["m"], p50: 400, tps: 45),
                Service("slow", assets: ["m"], p50: 5000),
            ],
            [Role("r")],
            benchmarks: [Sample("proven", "anything", new JsonObject { ["quality_score"] = 1.0 })]);

        var plan = snapshot.Find("r", ServiceKinds.Chat)!;

        Assert.Equal(["proven", "plain", "slow"], Ids(plan.Targets));
        Assert.Equal((0.45 * 0.85) + (0.35 * 0.55 * 0.65), plan.Targets[0].Score, 12);
        Assert.Equal(0.45 * 0.85, plan.Targets[1].Score, 12);
        Assert.Equal(0.45 * 0.05, plan.Targets[2].Score, 12);
    }

    [Fact]
    public void RoleBenchmarkWorkloadsShapeTheBenchmarkQuery()
    {
        var snapshot = Snapshot(
            [Service("s", assets: ["m"])],
            [Role("coder", workloads: ["code review"]), Role("any")],
            benchmarks: [Sample("s", "code review", new JsonObject { ["quality_score"] = 1.0 }), Sample("s", "poetry", new JsonObject { ["quality_score"] = 0.2 })]);

        var coder = snapshot.Find("coder", ServiceKinds.Chat)!.Targets[0];
        var any = snapshot.Find("any", ServiceKinds.Chat)!.Targets[0];

        Assert.Equal(0.45 + (0.55 * 0.65), coder.Signals.BenchmarkScore, 4);
        Assert.Equal(1, coder.Signals.BenchmarkMatchCount);
        Assert.Equal(0.55 * 0.65, any.Signals.BenchmarkScore, 4);
        Assert.Equal(2, any.Signals.BenchmarkMatchCount);
    }

    [Fact]
    public void TrustTierDeviceAndWorkloadGatesApplyToRoles()
    {
        HostView[] hosts =
        [
            Host("laptop", labels: new() { ["trust_tier"] = "Employee_Device" }),
            Host("dc", resources: JsonNode.Parse("""{"trust_tier":"trusted_datacenter","device_class":"gpu_server","contribution_policy":{"workload_classes":["batch"]}}""")!.AsObject()),
            Host("desk", labels: new() { ["device_class"] = "workstation", ["workload_class"] = "interactive, background" }),
        ];
        ServiceView[] services = [Service("on-laptop", host: "laptop"), Service("on-dc", host: "dc"), Service("on-desk", host: "desk")];
        var open = Role("open");
        var dcOnly = Role("dc-only") with { RoutingPolicy = new() { AllowedTrustTiers = ["trusted_datacenter"] } };
        var noGpu = Role("no-gpu") with { RoutingPolicy = new() { DeniedDeviceClasses = ["GPU_SERVER"], AllowEmployeeDevices = true } };
        var interactive = Role("interactive") with { RoutingPolicy = new() { AllowedWorkloadClasses = ["interactive"] } };
        var noBatch = Role("no-batch") with { RoutingPolicy = new() { DeniedWorkloadClasses = ["batch"], DeniedTrustTiers = ["employee_device"] } };

        var snapshot = Snapshot(services, [open, dcOnly, noGpu, interactive, noBatch], hosts);

        string Reason(string role, string service) =>
            snapshot.Find(role, ServiceKinds.Chat)!.Excluded.Single(e => e.ServiceId == service).Reason;

        Assert.Equal(["on-dc", "on-desk"], Ids(snapshot.Find("open", ServiceKinds.Chat)!.Targets));
        Assert.Equal("employee_device_not_allowed", Reason("open", "on-laptop"));
        Assert.Equal(["on-dc"], Ids(snapshot.Find("dc-only", ServiceKinds.Chat)!.Targets));
        Assert.Equal("trust_tier_not_allowed:unknown", Reason("dc-only", "on-desk"));
        Assert.Equal(["on-desk", "on-laptop"], Ids(snapshot.Find("no-gpu", ServiceKinds.Chat)!.Targets));
        Assert.Equal("device_class_denied:gpu_server", Reason("no-gpu", "on-dc"));
        Assert.Equal(["on-desk"], Ids(snapshot.Find("interactive", ServiceKinds.Chat)!.Targets));
        Assert.Equal("workload_class_not_allowed", Reason("interactive", "on-dc"));
        Assert.Equal("workload_class_denied:batch", Reason("no-batch", "on-dc"));
        Assert.Equal("trust_tier_denied:employee_device", Reason("no-batch", "on-laptop"));
    }

    [Fact]
    public void AHostsAllowedFamiliesRestrictDirectAndRoleRouting()
    {
        var snapshot = Snapshot(
            [Service("q", assets: ["qwen3-8b"], host: "h"), Service("m", assets: ["mistral-7b"], host: "h")],
            [Role("r")],
            [Host("h", resources: JsonNode.Parse("""{"contribution_policy":{"allowed_model_families":["Qwen3"]}}""")!.AsObject())]);

        Assert.Equal(["q"], Ids(snapshot.Find("r", ServiceKinds.Chat)!.Targets));
        Assert.Equal("host_family_restricted", snapshot.Find("mistral-7b", ServiceKinds.Chat)!.Excluded[0].Reason);
    }

    [Fact]
    public void TargetsCarryTheBaseUrlWithoutTrailingSlashOrV1()
    {
        var snapshot = Snapshot(
        [
            Service("a", endpoint: "http://10.0.0.1:8080/"),
            Service("b", endpoint: "http://10.0.0.2:8080/v1/"),
        ]);

        Assert.Equal("http://10.0.0.1:8080", snapshot.Find("a", ServiceKinds.Chat)!.Targets[0].BaseUrl);
        Assert.Equal("http://10.0.0.2:8080", snapshot.Find("b", ServiceKinds.Chat)!.Targets[0].BaseUrl);
    }

    [Fact]
    public void PlanKeysNameTheKindAndModel()
    {
        var snapshot = Snapshot([Service("s", assets: ["m"])]);

        Assert.Equal("chat:m", snapshot.Find("m", ServiceKinds.Chat)!.Key);
    }
}
