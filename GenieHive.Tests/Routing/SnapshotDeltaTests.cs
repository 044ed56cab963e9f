using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Contracts.Routing;
using GenieHive.Routing;
using static GenieHive.Tests.Routing.RoutingTables;

namespace GenieHive.Tests.Routing;

/// <summary>A snapshot built by applying a delta answers exactly as one built from the whole table it leads to.</summary>
public sealed class SnapshotDeltaTests
{
    private static readonly string[] Names = ["m1", "m2", "m3", "a", "b", "c", "d", "coder", "helper"];

    private static string Answers(RoutingSnapshot snapshot)
    {
        var json = GenieHiveJsonContext.Default;
        var parts = new List<string>();
        foreach (var name in Names)
        {
            parts.Add(snapshot.Explain(name, "chat", Now) is { } resolution
                ? JsonSerializer.Serialize(new ResolveResponse("ok", resolution), json.ResolveResponse)
                : name + ": unknown");
        }

        parts.Add(string.Join(",", snapshot.Models.Select(m => m.Id + "/" + m.EligibleTargetCount + "/" + m.Health)));
        return string.Join("\n", parts);
    }

    [Fact]
    public void RemovalsHostGatesSamplesAndRolesApplyAsIfTheWholeTableWereBuilt()
    {
        var coder = Role("coder", workloads: ["code"]) with { };
        coder.RoutingPolicy.DeniedTrustTiers.Add("untrusted");
        var before = Table(
            services: [Service("a", ["m1"], host: "h1", p50: 500), Service("b", ["m1", "m2"], host: "h1"), Service("c", ["m2"], host: "h2"), Service("d", ["m3"], host: "h3")],
            roles: [coder, Role("helper")],
            hosts: [Host("h1"), Host("h2"), Host("h3")],
            benchmarks: [Sample("a", "code", new JsonObject { ["quality_score"] = 0.2 }), Sample("c", "code", new JsonObject { ["quality_score"] = 0.9 })])
            with { TableId = "t1", Version = 7 };
        var after = before with
        {
            Version = 9,
            GeneratedAt = Now + 1,
            // b goes, c gets faster, e arrives; h2 becomes untrusted (the coder role must drop c); a's sample improves.
            Services = [Service("a", ["m1"], host: "h1", p50: 500), Service("c", ["m2"], host: "h2", p50: 100), Service("d", ["m3"], host: "h3"), Service("e", ["m3"], host: "h3")],
            Hosts = [Host("h1"), Host("h2", labels: new() { ["trust_tier"] = "untrusted" }), Host("h3")],
            Benchmarks = [Sample("a", "code", new JsonObject { ["quality_score"] = 0.95 }), Sample("c", "code", new JsonObject { ["quality_score"] = 0.9 })],
            Roles = [coder, Role("helper", requireLoaded: true)],
        };
        var delta = new RoutingTableDelta
        {
            TableId = "t1",
            FromVersion = 7,
            Version = 9,
            GeneratedAt = after.GeneratedAt,
            Strategy = after.Strategy,
            HostTimeoutSeconds = after.HostTimeoutSeconds,
            Services = [after.Services[1], after.Services[3]],
            RemovedServices = ["b"],
            Hosts = [after.Hosts[1]],
            Benchmarks = [after.Benchmarks[0]],
            Roles = [after.Roles[1]],
        };
        var held = RoutingSnapshot.Build(before);

        var applied = held.Apply(delta);

        Assert.Equal(9, applied.Version);
        Assert.Equal(Answers(RoutingSnapshot.Build(after)), Answers(applied));
        Assert.NotEqual(Answers(held), Answers(applied));
        // The snapshot it came from is untouched: requests in flight keep routing on it.
        Assert.Equal(Answers(RoutingSnapshot.Build(before)), Answers(held));
    }

    [Theory]
    [InlineData("t1", 6)]
    [InlineData("t2", 7)]
    public void ADeltaThatDoesNotContinueTheHeldVersionIsRefused(string tableId, long fromVersion)
    {
        var held = RoutingSnapshot.Build(Table(services: [Service("a", ["m1"])]) with { TableId = "t1", Version = 7 });
        var delta = new RoutingTableDelta
        {
            TableId = tableId,
            FromVersion = fromVersion,
            Version = 8,
            GeneratedAt = Now,
            Strategy = held.Table.Strategy,
            HostTimeoutSeconds = 15,
        };

        Assert.False(held.Continues(delta));
        Assert.Throws<InvalidOperationException>(() => held.Apply(delta));
    }
}
