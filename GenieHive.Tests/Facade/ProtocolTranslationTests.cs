using System.Text;
using System.Text.Json.Nodes;
using GenieHive.Facade.Messages;
using GenieHive.Facade.Proxy;
using GenieHive.Facade.Responses;

namespace GenieHive.Tests.Facade;

/// <summary>The translations between Anthropic Messages, OpenAI Responses and chat completions, as pure functions.</summary>
public sealed class ProtocolTranslationTests
{
    [Fact]
    public void AMessagesConversationWithToolsBecomesChatWithToolCallsAndToolMessages()
    {
        var request = Parse("""
            {"model":"m","max_tokens":50,"system":[{"type":"text","text":"A"},{"type":"text","text":"B"}],"stop_sequences":["END"],
             "tools":[{"name":"weather","description":"Weather now","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
             "tool_choice":{"type":"tool","name":"weather"},
             "messages":[
               {"role":"user","content":[{"type":"text","text":"Weather in Oslo?"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}]},
               {"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"x"},{"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Oslo"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"-3 C"},{"type":"text","text":"Thanks"}]}]}
            """);

        var chat = MessagesToChat.Translate(request);

        var messages = chat["messages"]!.AsArray();
        Assert.Equal(["system", "user", "assistant", "tool", "user"], messages.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal("A\n\nB", messages[0]!["content"]!.GetValue<string>());
        Assert.Equal("data:image/png;base64,AAAA", messages[1]!["content"]![1]!["image_url"]!["url"]!.GetValue<string>());
        var call = messages[2]!["tool_calls"]![0]!;
        Assert.Equal("toolu_1", call["id"]!.GetValue<string>());
        Assert.Equal("Oslo", JsonNode.Parse(call["function"]!["arguments"]!.GetValue<string>())!["city"]!.GetValue<string>());
        Assert.Equal("toolu_1", messages[3]!["tool_call_id"]!.GetValue<string>());
        Assert.Equal("-3 C", messages[3]!["content"]!.GetValue<string>());
        Assert.Equal("weather", chat["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal("object", chat["tools"]![0]!["function"]!["parameters"]!["type"]!.GetValue<string>());
        Assert.Equal("weather", chat["tool_choice"]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal("END", chat["stop"]![0]!.GetValue<string>());
        Assert.Equal(50, chat["max_tokens"]!.GetValue<int>());
    }

    [Fact]
    public void AChatAnswerWithAToolCallBecomesAToolUseMessageAndReasoningOnlyWhenThinkingIsOn()
    {
        var chat = """{"id":"c1","model":"m","choices":[{"message":{"role":"assistant","content":null,"reasoning_content":"thought","tool_calls":[{"id":"call_9","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Oslo\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":7,"completion_tokens":3}}""";

        var plain = Translate(new ChatToMessage(thinking: false), chat);
        var thinking = Translate(new ChatToMessage(thinking: true), chat);

        Assert.Equal("msg_c1", plain["id"]!.GetValue<string>());
        Assert.Equal("tool_use", plain["stop_reason"]!.GetValue<string>());
        var block = Assert.Single(plain["content"]!.AsArray())!;
        Assert.Equal("tool_use", block["type"]!.GetValue<string>());
        Assert.Equal("Oslo", block["input"]!["city"]!.GetValue<string>());
        Assert.Equal(7, plain["usage"]!["input_tokens"]!.GetValue<int>());
        Assert.Equal("thinking", thinking["content"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void AStreamedToolCallBecomesAToolUseBlockWithInputJsonDeltas()
    {
        var events = new ChatToMessagesEvents(thinking: false);
        var output = new PooledBuffer();
        foreach (var data in new[]
        {
            """{"id":"c2","model":"m","choices":[{"delta":{"role":"assistant","content":"Let me look."}}]}""",
            """{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"weather","arguments":""}}]}}]}""",
            """{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}}]}""",
            """{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Oslo\"}"}}]}}]}""",
            """{"choices":[{"delta":{},"finish_reason":"tool_calls"}]}""",
            """{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":9}}""",
            "[DONE]",
        })
        {
            events.Write(Encoding.UTF8.GetBytes("data: " + data + "\n\n"), output);
        }

        var written = Events(output);
        output.Dispose();
        Assert.Equal(
            ["message_start", "content_block_start", "content_block_delta", "content_block_stop", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            written.Select(e => e.Name));
        Assert.Equal("tool_use", written[4].Data["content_block"]!["type"]!.GetValue<string>());
        Assert.Equal(1, written[4].Data["index"]!.GetValue<int>());
        Assert.Equal("{\"city\":\"Oslo\"}", string.Concat(written.Skip(5).Take(2).Select(e => e.Data["delta"]!["partial_json"]!.GetValue<string>())));
        Assert.Equal("tool_use", written[8].Data["delta"]!["stop_reason"]!.GetValue<string>());
        Assert.Equal(9, written[8].Data["usage"]!["output_tokens"]!.GetValue<int>());
    }

    [Fact]
    public void ANativeStreamWithoutThinkingOnLosesItsThinkingBlockAndTheTextIsRenumbered()
    {
        var events = new ThinkingStrippedEvents();
        var output = new PooledBuffer();
        foreach (var (name, data) in new[]
        {
            ("message_start", """{"type":"message_start","message":{"id":"m"}}"""),
            ("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hm"}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":0}"""),
            ("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}"""),
            ("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hi"}}"""),
            ("content_block_stop", """{"type":"content_block_stop","index":1}"""),
            ("message_stop", """{"type":"message_stop"}"""),
        })
        {
            events.Write(Encoding.UTF8.GetBytes("event: " + name + "\ndata: " + data + "\n\n"), output);
        }

        var written = Events(output);
        output.Dispose();
        Assert.Equal(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_stop"], written.Select(e => e.Name));
        Assert.All(written.Skip(1).Take(3), e => Assert.Equal(0, e.Data["index"]!.GetValue<int>()));
        Assert.Equal("text", written[1].Data["content_block"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void TheRolePromptGoesIntoAnArraySystemAsItsOwnBlockAndOnlyOnce()
    {
        var prepended = Parse("""{"system":[{"type":"text","text":"Mine"}]}""");
        var appended = Parse("""{"system":[{"type":"text","text":"Mine"}]}""");
        var replaced = Parse("""{"system":"Mine"}""");
        var already = Parse("""{"system":[{"type":"text","text":"Role"}]}""");

        MessagesSystemPrompt.Apply(prepended, "Role", null);
        MessagesSystemPrompt.Apply(appended, "Role", "append");
        MessagesSystemPrompt.Apply(replaced, "Role", "replace");
        MessagesSystemPrompt.Apply(already, "Role", null);

        Assert.Equal(["Role", "Mine"], prepended["system"]!.AsArray().Select(b => b!["text"]!.GetValue<string>()));
        Assert.Equal(["Mine", "Role"], appended["system"]!.AsArray().Select(b => b!["text"]!.GetValue<string>()));
        Assert.Equal("Role", replaced["system"]!.GetValue<string>());
        Assert.Single(already["system"]!.AsArray());
    }

    [Fact]
    public void AResponsesFunctionCallRoundTripBecomesChatToolMessagesAndTheAnswerAFunctionCallItem()
    {
        var chat = ResponsesToChat.Translate(Parse("""
            {"model":"m","instructions":"Be brief.","max_output_tokens":20,"tools":[{"type":"function","name":"weather","parameters":{"type":"object"}}],
             "input":[{"role":"user","content":"Weather?"},{"type":"function_call","call_id":"call_1","name":"weather","arguments":"{}"},
                      {"type":"function_call_output","call_id":"call_1","output":"-3 C"}]}
            """));
        var answer = Translate(ChatToResponse.Instance,
            """{"id":"c3","model":"m","created":5,"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_2","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Oslo\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":4,"completion_tokens":6}}""");

        Assert.Equal(["system", "user", "assistant", "tool"], chat["messages"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal("call_1", chat["messages"]![3]!["tool_call_id"]!.GetValue<string>());
        Assert.Equal(20, chat["max_tokens"]!.GetValue<int>());
        Assert.Equal("weather", chat["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        var item = Assert.Single(answer["output"]!.AsArray())!;
        Assert.Equal("function_call", item["type"]!.GetValue<string>());
        Assert.Equal("call_2", item["call_id"]!.GetValue<string>());
        Assert.Equal("completed", answer["status"]!.GetValue<string>());
        Assert.Equal(10, answer["usage"]!["total_tokens"]!.GetValue<int>());
    }

    [Fact]
    public void RequestsTheTranslatorCannotExpressAreRefusedWithAReason()
    {
        var serverTool = Parse("""{"model":"m","max_tokens":5,"tools":[{"type":"web_search_20250305","name":"web_search"}],"messages":[]}""");
        var badRole = Parse("""{"model":"m","max_tokens":5,"messages":[{"role":"system","content":"x"}]}""");
        var fileInput = Parse("""{"model":"m","input":[{"role":"user","content":[{"type":"input_file","file_id":"f"}]}]}""");

        Assert.Contains("server tools", Assert.Throws<RequestShapeException>(() => MessagesToChat.Translate(serverTool)).Message, StringComparison.Ordinal);
        Assert.Contains("'role'", Assert.Throws<RequestShapeException>(() => MessagesToChat.Translate(badRole)).Message, StringComparison.Ordinal);
        Assert.Contains("input_file", Assert.Throws<RequestShapeException>(() => ResponsesToChat.Translate(fileInput)).Message, StringComparison.Ordinal);
    }

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    private static JsonObject Translate(IJsonAnswerTranslator translator, string upstream)
    {
        using var output = new PooledBuffer();
        Assert.True(translator.TryTranslate(Encoding.UTF8.GetBytes(upstream), output));
        return JsonNode.Parse(output.Span)!.AsObject();
    }

    private static List<(string Name, JsonObject Data)> Events(PooledBuffer output) =>
        [.. Encoding.UTF8.GetString(output.Span)
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Split('\n'))
            .Select(lines => (lines[0]["event: ".Length..], JsonNode.Parse(lines[1]["data: ".Length..])!.AsObject()))];
}
