using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Contracts.Nodes;
using GenieHive.Routing;
using GenieHive.Routing.Policy;
using static GenieHive.Tests.Routing.RoutingTables;

namespace GenieHive.Tests.Routing;

public sealed class PolicyTests
{
    private static ServiceAsset Asset(string id, bool loaded = false, RequestPolicy? policy = null) =>
        new() { AssetId = id, Loaded = loaded, RequestPolicy = policy };

    [Fact]
    public void UpstreamModelIsTheRequestedAssetWhenTheServiceHasIt()
    {
        Assert.Equal("b", UpstreamModels.Resolve([Asset("a", loaded: true), Asset("b")], "b"));
    }

    [Fact]
    public void UpstreamModelIsTheFirstLoadedAssetOtherwise()
    {
        Assert.Equal("c", UpstreamModels.Resolve([Asset("a"), Asset("c", loaded: true), Asset("d", loaded: true)], "svc"));
    }

    [Fact]
    public void UpstreamModelIsTheFirstAssetWhenNoneIsLoaded()
    {
        Assert.Equal("a", UpstreamModels.Resolve([Asset("a"), Asset("b")], "svc"));
    }

    [Fact]
    public void UpstreamModelIsTheRequestedNameWhenTheServiceHasNoAssets()
    {
        Assert.Equal("svc", UpstreamModels.Resolve([], "svc"));
    }

    [Fact]
    public void RoleTargetsForwardTheLoadedAsset()
    {
        var snapshot = Snapshot([Service("s", assets: ["cold", "warm"], loaded: ["warm"])], [Role("mentor")]);

        Assert.Equal("warm", snapshot.Find("mentor", ServiceKinds.Chat)!.Targets[0].UpstreamModel);
    }

    [Fact]
    public void AssetPolicyThenRolePolicyMergeWithTheRoleWinning()
    {
        var service = Service("s") with
        {
            Assets = [Asset("qwen3-8b", loaded: true, Policy("""{"temperature":0.5,"top_p":0.9,"nested":{"x":1,"y":1}}""", "asset prompt", "append"))],
        };
        var role = Role("mentor", requestPolicy: Policy("""{"temperature":0.2,"nested":{"y":2},"chat_template_kwargs":{"enable_thinking":true}}"""));

        var policy = Snapshot([service], [role]).Find("mentor", ServiceKinds.Chat)!.Targets[0].Policy;

        Assert.Equal(
            """{"chat_template_kwargs":{"enable_thinking":true},"temperature":0.2,"top_p":0.9,"nested":{"x":1,"y":2}}""",
            policy.BodyDefaults!.ToJsonString());
        Assert.Equal("asset prompt", policy.SystemPrompt);
        Assert.Equal("append", policy.SystemPromptPosition);
    }

    [Fact]
    public void TheRolesPromptPolicySystemPromptIsInjected()
    {
        var policy = Snapshot([Service("s", assets: ["llama"])], [Role("mentor", systemPrompt: "You are a patient mentor.")])
            .Find("mentor", ServiceKinds.Chat)!.Targets[0].Policy;

        Assert.Equal("You are a patient mentor.", policy.SystemPrompt);
        Assert.Equal("prepend", policy.SystemPromptPosition);
        Assert.Null(policy.BodyDefaults);
        Assert.False(policy.IsEmpty);
    }

    [Fact]
    public void TheRequestPolicySystemPromptWinsOverThePromptPolicyOneWithItsPosition()
    {
        var service = Service("s") with { Assets = [Asset("llama", policy: Policy(systemPrompt: "asset"))] };
        var role = Role("mentor", systemPrompt: "general", requestPolicy: Policy(systemPrompt: "specific", position: "Replace"));

        var policy = Snapshot([service], [role]).Find("mentor", ServiceKinds.Chat)!.Targets[0].Policy;

        Assert.Equal("specific", policy.SystemPrompt);
        Assert.Equal("replace", policy.SystemPromptPosition);
    }

    [Fact]
    public void Qwen3IsInferredFromAnAssetId()
    {
        var policy = Snapshot([Service("atlas-01/chat", assets: ["Qwen3.5-9B"])]).Find("atlas-01/chat", ServiceKinds.Chat)!.Targets[0].Policy;

        Assert.Equal("""{"chat_template_kwargs":{"enable_thinking":false}}""", policy.BodyDefaults!.ToJsonString());
        Assert.Null(policy.SystemPrompt);
    }

    [Fact]
    public void Qwen3IsNotInferredFromAServiceIdThatMerelyContainsIt()
    {
        var policy = Snapshot([Service("atlas-01/chat/qwen3-8b", assets: ["llama-3-8b"])])
            .Find("atlas-01/chat/qwen3-8b", ServiceKinds.Chat)!.Targets[0].Policy;

        Assert.True(policy.IsEmpty);
        Assert.Same(EffectivePolicy.None, policy);
    }

    [Theory]
    [InlineData("qwen3-8b", true)]
    [InlineData("Qwen3.5-9B", true)]
    [InlineData("QWEN-3", true)]
    [InlineData("qwen2.5-7b", false)]
    [InlineData("atlas-01/chat/qwen3-8b", false)]
    [InlineData("", false)]
    public void Qwen3PrefixIgnoresCaseAndPunctuation(string identifier, bool expected)
    {
        Assert.Equal(expected, PolicyMerger.StartsWithQwen3(identifier));
    }

    [Fact]
    public void EmbeddingsGetOnlyTheAssetsBodyDefaults()
    {
        var service = Service("e", kind: ServiceKinds.Embeddings) with
        {
            Assets = [Asset("qwen3-embedding", policy: Policy("""{"encoding_format":"float"}""", "ignored"))],
        };
        var role = Role("embedder", operation: ServiceKinds.Embeddings, systemPrompt: "no", requestPolicy: Policy("""{"dimensions":64}"""));

        var snapshot = Snapshot([service], [role]);

        foreach (var name in new[] { "embedder", "qwen3-embedding" })
        {
            var policy = snapshot.Find(name, ServiceKinds.Embeddings)!.Targets[0].Policy;
            Assert.Equal("""{"encoding_format":"float"}""", policy.BodyDefaults!.ToJsonString());
            Assert.Null(policy.SystemPrompt);
        }
    }

    [Fact]
    public void AFallbackRouteUsesThePrimaryRolesPolicy()
    {
        var snapshot = Snapshot(
            [Service("s", assets: ["llama"])],
            [Role("strict", requireLoaded: true, fallbacks: ["general"], systemPrompt: "strict prompt"), Role("general", systemPrompt: "general prompt")]);

        var plan = snapshot.Find("strict", ServiceKinds.Chat)!;

        Assert.Equal("general", plan.FallbackVia);
        Assert.Equal("strict prompt", plan.Targets[0].Policy.SystemPrompt);
    }

    [Fact]
    public void DirectRoutesCarryNoRolePolicy()
    {
        var snapshot = Snapshot([Service("s", assets: ["mentor-model"])], [Role("mentor", systemPrompt: "x")]);

        Assert.True(snapshot.Find("mentor-model", ServiceKinds.Chat)!.Targets[0].Policy.IsEmpty);
    }

    [Fact]
    public void PoliciesNeverShareMutableNodes()
    {
        var body = JsonNode.Parse("""{"nested":{"a":1}}""")!.AsObject();
        var assetPolicy = new RequestPolicy { BodyDefaults = body };
        var snapshot = Snapshot(
        [
            Service("a") with { Assets = [Asset("m", policy: assetPolicy)] },
            Service("b") with { Assets = [Asset("m", policy: assetPolicy)] },
        ]);

        var targets = snapshot.Find("m", ServiceKinds.Chat)!.Targets;
        var first = targets[0].Policy.BodyDefaults!;
        var second = targets[1].Policy.BodyDefaults!;

        Assert.NotSame(first, second);
        Assert.NotSame(body, first);
        Assert.NotSame(first["nested"], second["nested"]);
        Assert.NotSame(body["nested"], first["nested"]);
        Assert.Equal(body.ToJsonString(), first.ToJsonString());
    }

    [Fact]
    public void DeepMergeReplacesNonObjectsAndRecursesIntoObjects()
    {
        var merged = PolicyMerger.MergeInto(
            JsonNode.Parse("""{"a":{"b":1,"c":[1]},"d":1}""")!.AsObject(),
            JsonNode.Parse("""{"a":{"c":[2],"e":null},"d":{"x":1}}""")!.AsObject());

        Assert.Equal("""{"a":{"b":1,"c":[2],"e":null},"d":{"x":1}}""", merged!.ToJsonString());
    }
}
