using CsCheck;
using GenieHive.Tests.Compat;

namespace GenieHive.Tests.Fuzz;

/// <summary>
/// The bodies of the two APIs the facade translates to chat completions (Anthropic Messages, OpenAI Responses): their
/// content blocks and input items as clients send them, the kinds the translators refuse, and values of any type.
/// </summary>
internal static class TranslatedApiFields
{
    /// <summary>An Anthropic content block: text, image, tool use and result, thinking, an unknown type, or any value.</summary>
    private static readonly Gen<string> AnthropicBlock = Gen.Frequency(
        (4, JsonFragments.String.Select(text => "{\"type\":\"text\",\"text\":" + text + "}")),
        (1, Gen.Select(Gen.OneOf("\"base64\"", "\"url\"", "\"file\"", "7"), JsonFragments.String, (source, data) =>
            "{\"type\":\"image\",\"source\":{\"type\":" + source + ",\"media_type\":\"image/png\",\"data\":" + data + ",\"url\":" + data + "}}")),
        (1, Gen.Select(JsonFragments.String, JsonFragments.Value(2), (id, input) =>
            "{\"type\":\"tool_use\",\"id\":" + id + ",\"name\":" + id + ",\"input\":" + input + "}")),
        (1, Gen.Select(JsonFragments.String, Gen.Frequency((2, JsonFragments.String), (1, JsonFragments.Value(2))), (id, content) =>
            "{\"type\":\"tool_result\",\"tool_use_id\":" + id + ",\"content\":" + content + "}")),
        (1, JsonFragments.String.Select(text => "{\"type\":\"thinking\",\"thinking\":" + text + ",\"signature\":\"sig\"}")),
        (1, JsonFragments.String.Select(type => "{\"type\":" + type + "}")),
        (1, JsonFragments.Value(2)));

    private static readonly Gen<string> AnthropicMessage = Gen.Select(
        Gen.OneOf("user", "assistant", "system", "tool", "").Select(JsonFragments.Quote),
        Gen.Frequency((3, JsonFragments.String), (3, JsonFragments.Array(AnthropicBlock, 4)), (1, JsonFragments.Value(2))),
        (role, content) => "{\"role\":" + role + ",\"content\":" + content + "}");

    public static readonly FieldSpec[] Messages =
    [
        new("model", ClusterValues.Model, ClusterValues.Served(SimulatedCluster.ChatModel, SimulatedCluster.ChatRole)),
        new("max_tokens", ClusterValues.SmallCount, Gen.Int[1, 16].Select(FuzzRequests.Invariant)),
        new("messages", JsonFragments.Array(AnthropicMessage, 4), ClusterValues.CleanMessages),
        new("system", Gen.Frequency((3, JsonFragments.String), (1, JsonFragments.Array(AnthropicBlock, 3))), null),
        new("stream", Gen.OneOf("true", "false"), Gen.OneOf("true", "false")),
        new("temperature", JsonFragments.Number, null),
        new("thinking", Gen.OneOf("{\"type\":\"enabled\",\"budget_tokens\":1024}", "{\"type\":\"adaptive\"}", "{\"type\":\"disabled\"}", "{\"type\":5}", "\"enabled\""), null),
        new("tools", JsonFragments.Array(Gen.Frequency(
            (3, Gen.Select(JsonFragments.String, JsonFragments.Value(2), (name, schema) => "{\"name\":" + name + ",\"description\":" + name + ",\"input_schema\":" + schema + "}")),
            (1, Gen.OneOf("{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}", "{\"type\":3,\"name\":\"x\"}", "{\"type\":\"custom\"}")),
            (1, JsonFragments.Value(2))), 3), null),
        new("tool_choice", Gen.Frequency(
            (3, Gen.OneOf("auto", "any", "none", "tool", "nope").Select(type => "{\"type\":\"" + type + "\",\"name\":\"f\",\"disable_parallel_tool_use\":true}")),
            (1, JsonFragments.Value(2))), null),
        new("metadata", Gen.Frequency((2, JsonFragments.String.Select(user => "{\"user_id\":" + user + "}")), (1, JsonFragments.Value(2))), null),
        new("stop_sequences", JsonFragments.Array(JsonFragments.String, 3), null),
    ];

    /// <summary>A Responses input item: messages with text or parts, function calls and outputs, reasoning, an unknown type, any value.</summary>
    private static readonly Gen<string> ResponsesItem = Gen.Frequency(
        (3, Gen.Select(
            Gen.OneOf("user", "assistant", "system", "developer", "tool", "").Select(JsonFragments.Quote),
            Gen.Frequency(
                (3, JsonFragments.String),
                (2, JsonFragments.Array(Gen.Select(Gen.OneOf("input_text", "output_text", "text", "input_image", "input_file", "refusal").Select(JsonFragments.Quote), JsonFragments.String,
                    (type, text) => "{\"type\":" + type + ",\"text\":" + text + ",\"image_url\":" + text + "}"), 3)),
                (1, JsonFragments.Value(2))),
            (role, content) => "{\"type\":\"message\",\"role\":" + role + ",\"content\":" + content + "}")),
        (1, Gen.Select(JsonFragments.String, JsonFragments.String, (id, arguments) =>
            "{\"type\":\"function_call\",\"call_id\":" + id + ",\"name\":" + id + ",\"arguments\":" + arguments + "}")),
        (1, Gen.Select(JsonFragments.String, JsonFragments.Value(2), (id, output) => "{\"type\":\"function_call_output\",\"call_id\":" + id + ",\"output\":" + output + "}")),
        (1, Gen.Const("{\"type\":\"reasoning\",\"summary\":[]}")),
        (1, JsonFragments.String.Select(type => "{\"type\":" + type + "}")),
        (1, JsonFragments.Value(2)));

    public static readonly FieldSpec[] Responses =
    [
        new("model", ClusterValues.Model, ClusterValues.Served(SimulatedCluster.ChatModel, SimulatedCluster.ChatRole)),
        new("input", Gen.Frequency((2, JsonFragments.String), (3, JsonFragments.Array(ResponsesItem, 4))),
            Gen.Frequency((1, ClusterValues.CleanText), (1, ClusterValues.CleanText.Select(text => "[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":" + text + "}]}]")))),
        new("instructions", JsonFragments.String, null),
        new("max_output_tokens", ClusterValues.SmallCount, Gen.Int[1, 16].Select(FuzzRequests.Invariant)),
        new("stream", Gen.OneOf("true", "false"), Gen.OneOf("true", "false")),
        new("temperature", JsonFragments.Number, null),
        new("tools", JsonFragments.Array(Gen.Frequency(
            (3, Gen.Select(JsonFragments.String, JsonFragments.Value(2), (name, parameters) => "{\"type\":\"function\",\"name\":" + name + ",\"parameters\":" + parameters + ",\"strict\":true}")),
            (1, Gen.OneOf("{\"type\":\"web_search\"}", "{\"type\":\"file_search\"}", "{\"type\":9}")),
            (1, JsonFragments.Value(2))), 3), null),
        new("tool_choice", Gen.Frequency((2, Gen.OneOf("\"auto\"", "\"none\"", "\"required\"", "{\"type\":\"function\",\"name\":\"f\"}", "{\"type\":\"function\"}")), (1, JsonFragments.Value(2))), null),
        new("text", Gen.Frequency(
            (2, Gen.OneOf("json_schema", "json_object", "text", "other").Select(type => "{\"format\":{\"type\":\"" + type + "\",\"name\":\"r\",\"schema\":{\"type\":\"object\"},\"strict\":true}}")),
            (1, JsonFragments.Value(2))), null),
        new("reasoning", Gen.Frequency((2, Gen.OneOf("{\"effort\":\"low\"}", "{}", "{\"summary\":\"auto\"}")), (1, JsonFragments.Value(1))), null),
        new("previous_response_id", Gen.Frequency((3, Gen.Const("null")), (1, JsonFragments.String)), null),
        new("background", Gen.OneOf("true", "false", "null"), null),
    ];
}
