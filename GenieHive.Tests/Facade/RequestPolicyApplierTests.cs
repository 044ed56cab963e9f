using System.Text.Json.Nodes;
using GenieHive.Facade.Policy;
using GenieHive.Routing;

namespace GenieHive.Tests.Facade;

public sealed class RequestPolicyApplierTests
{
    private static JsonObject Apply(string body, string? defaults = null, string? prompt = null, string position = "prepend", bool chat = true)
    {
        var node = JsonNode.Parse(body)!.AsObject();
        var policy = new EffectivePolicy
        {
            BodyDefaults = defaults is null ? null : JsonNode.Parse(defaults)!.AsObject(),
            SystemPrompt = prompt,
            SystemPromptPosition = position,
        };
        RequestPolicyApplier.Apply(node, policy, chat, "upstream-model");
        return node;
    }

    [Fact]
    public void AbsentDefaultsAreCopied()
    {
        var body = Apply("""{"model":"m","messages":[]}""", defaults: """{"temperature":0.2,"top_k":40}""");

        Assert.Equal(0.2, body["temperature"]!.GetValue<double>());
        Assert.Equal(40, body["top_k"]!.GetValue<int>());
    }

    [Fact]
    public void CallerValuesWinOverDefaults()
    {
        var body = Apply("""{"model":"m","messages":[],"temperature":0.9}""", defaults: """{"temperature":0.2}""");

        Assert.Equal(0.9, body["temperature"]!.GetValue<double>());
    }

    [Fact]
    public void ExplicitNullFromTheCallerWins()
    {
        var body = Apply("""{"model":"m","messages":[],"temperature":null}""", defaults: """{"temperature":0.2}""");

        Assert.True(body.ContainsKey("temperature"));
        Assert.Null(body["temperature"]);
    }

    [Fact]
    public void NestedObjectsAreMergedRecursively()
    {
        var body = Apply(
            """{"model":"m","messages":[],"chat_template_kwargs":{"foo":"bar"}}""",
            defaults: """{"chat_template_kwargs":{"enable_thinking":false,"foo":"default"}}""");

        Assert.Equal("""{"foo":"bar","enable_thinking":false}""", body["chat_template_kwargs"]!.ToJsonString());
    }

    [Fact]
    public void CallerScalarWinsOverDefaultObject()
    {
        var body = Apply("""{"model":"m","messages":[],"chat_template_kwargs":"raw"}""", defaults: """{"chat_template_kwargs":{"enable_thinking":false}}""");

        Assert.Equal("raw", body["chat_template_kwargs"]!.GetValue<string>());
    }

    [Fact]
    public void DefaultsAreClonedNotShared()
    {
        var defaults = JsonNode.Parse("""{"chat_template_kwargs":{"enable_thinking":false}}""")!.AsObject();
        var policy = new EffectivePolicy { BodyDefaults = defaults };
        var first = JsonNode.Parse("""{"model":"m"}""")!.AsObject();
        var second = JsonNode.Parse("""{"model":"m"}""")!.AsObject();

        RequestPolicyApplier.Apply(first, policy, true, "x");
        RequestPolicyApplier.Apply(second, policy, true, "x");
        first["chat_template_kwargs"]!["enable_thinking"] = true;

        Assert.False(second["chat_template_kwargs"]!["enable_thinking"]!.GetValue<bool>());
        Assert.False(defaults["chat_template_kwargs"]!["enable_thinking"]!.GetValue<bool>());
    }

    [Fact]
    public void SystemPromptIsPrependedByDefault()
    {
        var body = Apply("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""", prompt: "Be kind.");

        Assert.Equal("""[{"role":"system","content":"Be kind."},{"role":"user","content":"hi"}]""", body["messages"]!.ToJsonString());
    }

    [Fact]
    public void SystemPromptIsAppendedWhenAsked()
    {
        var body = Apply("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""", prompt: "Be kind.", position: "append");

        Assert.Equal("""[{"role":"user","content":"hi"},{"role":"system","content":"Be kind."}]""", body["messages"]!.ToJsonString());
    }

    [Fact]
    public void ReplaceChangesTheFirstSystemMessage()
    {
        var body = Apply(
            """{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"system","content":"old","name":"x"},{"role":"system","content":"second"}]}""",
            prompt: "new",
            position: "replace");

        Assert.Equal(
            """[{"role":"user","content":"hi"},{"role":"system","content":"new","name":"x"},{"role":"system","content":"second"}]""",
            body["messages"]!.ToJsonString());
    }

    [Fact]
    public void ReplaceWithoutSystemMessagePrepends()
    {
        var body = Apply("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""", prompt: "new", position: "replace");

        Assert.Equal("""[{"role":"system","content":"new"},{"role":"user","content":"hi"}]""", body["messages"]!.ToJsonString());
    }

    [Fact]
    public void SystemPromptIsIdempotent()
    {
        var original = """[{"role":"user","content":"hi"},{"role":"system","content":"Be kind."}]""";
        var body = Apply("""{"model":"m","messages":""" + original + "}", prompt: "Be kind.");

        Assert.Equal(original, body["messages"]!.ToJsonString());
    }

    [Fact]
    public void NonObjectMessagesAreDropped()
    {
        var body = Apply("""{"model":"m","messages":["junk",1,null,{"role":"user","content":"hi"}]}""", prompt: "S");

        Assert.Equal("""[{"role":"system","content":"S"},{"role":"user","content":"hi"}]""", body["messages"]!.ToJsonString());
    }

    [Fact]
    public void MessagesThatAreNotAnArrayAreLeftAlone()
    {
        var body = Apply("""{"model":"m","messages":"text"}""", prompt: "S");

        Assert.Equal("text", body["messages"]!.GetValue<string>());
    }

    [Fact]
    public void SystemPromptIsNotAppliedToNonChatBodies()
    {
        var body = Apply("""{"model":"m","messages":[]}""", prompt: "S", chat: false);

        Assert.Equal("[]", body["messages"]!.ToJsonString());
    }

    [Fact]
    public void UnknownFieldsAndModelRewriteSurvive()
    {
        var body = Apply("""{"model":"m","messages":[],"tools":[{"type":"function"}],"x_custom":{"a":[1,2]},"stream":true}""", defaults: """{"temperature":1}""");

        Assert.Equal("upstream-model", body["model"]!.GetValue<string>());
        Assert.Equal("""[{"type":"function"}]""", body["tools"]!.ToJsonString());
        Assert.Equal("""{"a":[1,2]}""", body["x_custom"]!.ToJsonString());
        Assert.True(body["stream"]!.GetValue<bool>());
    }
}
