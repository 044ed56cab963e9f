using GenieHive.Contracts;
using GenieHive.Routing.Catalog;
using static GenieHive.Tests.Routing.RoutingTables;

namespace GenieHive.Tests.Routing;

public sealed class ModelCatalogTests
{
    [Fact]
    public void EveryRoleServiceIdAndAssetIdIsListedSortedById()
    {
        var snapshot = Snapshot(
            [
                Service("atlas/chat", assets: ["qwen3-8b"], loaded: ["qwen3-8b"], host: "atlas", p50: 800),
                Service("borg/chat", assets: ["qwen3-8b"], host: "borg", p50: 300),
                Service("borg/emb", assets: ["bge"], host: "borg", kind: ServiceKinds.Embeddings),
            ],
            [Role("mentor", description: "Guides."), Role("lonely", operation: ServiceKinds.Transcription)]);

        Assert.Equal(
            ["atlas/chat", "bge", "borg/chat", "borg/emb", "lonely", "mentor", "qwen3-8b"],
            snapshot.Models.Select(m => m.Id).ToArray());

        var asset = snapshot.FindModel("qwen3-8b")!;
        Assert.Equal(ModelRouteTypes.Asset, asset.RouteType);
        Assert.Equal(ServiceKinds.Chat, asset.Kind);
        Assert.Equal("atlas", asset.OwnedBy);
        Assert.Equal(ModelHealth.Healthy, asset.Health);
        Assert.True(asset.Loaded);
        Assert.Equal(300, asset.BestP50LatencyMs);
        Assert.Equal(2, asset.EligibleTargetCount);

        var service = snapshot.FindModel("borg/emb")!;
        Assert.Equal(ModelRouteTypes.Service, service.RouteType);
        Assert.Equal(ServiceKinds.Embeddings, service.Kind);
        Assert.Equal("borg", service.OwnedBy);

        var role = snapshot.FindModel("mentor")!;
        Assert.Equal(ModelRouteTypes.Role, role.RouteType);
        Assert.Equal("geniehive-role", role.OwnedBy);
        Assert.Equal(2, role.EligibleTargetCount);
        Assert.Equal("Guides.", role.Description);
        Assert.Equal(ModelHealth.Healthy, role.Health);
    }

    [Fact]
    public void ARoleWithNoTargetIsListedAsUnavailable()
    {
        var role = Snapshot([Service("s")], [Role("lonely", operation: ServiceKinds.Transcription)]).FindModel("lonely")!;

        Assert.Equal(ModelHealth.Unavailable, role.Health);
        Assert.Equal(0, role.EligibleTargetCount);
        Assert.False(role.Loaded);
        Assert.Null(role.BestP50LatencyMs);
        Assert.Equal(ServiceKinds.Transcription, role.Kind);
    }

    [Fact]
    public void ARoleWinsOverAnAssetWithTheSameId()
    {
        var snapshot = Snapshot([Service("s", assets: ["mentor"])], [Role("mentor")]);

        var entry = Assert.Single(snapshot.Models, m => m.Id == "mentor");
        Assert.Equal(ModelRouteTypes.Role, entry.RouteType);
    }

    [Fact]
    public void ANameWhoseServicesAreAllIneligibleIsListedAsUnavailable()
    {
        var entry = Snapshot([Service("s", assets: ["m"], host: "h9", stale: true)]).FindModel("m")!;

        Assert.Equal(ModelHealth.Unavailable, entry.Health);
        Assert.Equal(0, entry.EligibleTargetCount);
        Assert.Equal("h9", entry.OwnedBy);
    }

    [Fact]
    public void ARoleServedOnlyThroughAFallbackCountsNoTargetsOfItsOwn()
    {
        var snapshot = Snapshot([Service("s", assets: ["m"])], [Role("strict", requireLoaded: true, fallbacks: ["general"]), Role("general")]);

        var strict = snapshot.FindModel("strict")!;
        Assert.Equal(0, strict.EligibleTargetCount);
        Assert.Equal(ModelHealth.Healthy, strict.Health);
        Assert.Equal("general", strict.FallbackVia);
    }

    [Fact]
    public void AnUnknownModelIsNotFound()
    {
        Assert.Null(Snapshot().FindModel("nope"));
    }
}
