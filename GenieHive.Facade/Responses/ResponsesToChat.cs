using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Facade.Proxy;

namespace GenieHive.Facade.Responses;

/// <summary>
/// A stateless OpenAI Responses request as a chat completions request, for engines that do not speak Responses:
/// <c>instructions</c>, <c>input</c> as text or items (messages with text and image parts, function calls and their
/// outputs), tools, tool choice, sampling, output length and structured output. Reasoning items in the input are
/// dropped; built-in tools (web search, file search, ...) cannot be expressed and are refused.
/// </summary>
internal static class ResponsesToChat
{
    public static JsonObject Translate(JsonObject request)
    {
        var messages = new JsonArray();
        if (JsonObjectReader.String(request, "instructions") is { Length: > 0 } instructions)
        {
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = instructions });
        }

        switch (request["input"])
        {
            case JsonValue text when text.GetValueKind() == JsonValueKind.String:
                messages.Add(new JsonObject { ["role"] = "user", ["content"] = text.GetValue<string>() });
                break;
            case JsonArray items:
                foreach (var item in items)
                {
                    AddItem(messages, item as JsonObject ?? throw new RequestShapeException("Each entry of 'input' must be an object."));
                }

                break;
            default:
                throw new RequestShapeException("'input' must be a string or an array of input items.");
        }

        var chat = new JsonObject { ["model"] = request["model"]!.DeepClone(), ["messages"] = messages };
        Copy(request, "max_output_tokens", chat, "max_tokens");
        Copy(request, "temperature", chat, "temperature");
        Copy(request, "top_p", chat, "top_p");
        Copy(request, "user", chat, "user");
        Copy(request, "parallel_tool_calls", chat, "parallel_tool_calls");
        if (JsonObjectReader.IsTrue(request, "stream"))
        {
            chat["stream"] = true;
            chat["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        if (request["tools"] is JsonArray { Count: > 0 } tools)
        {
            chat["tools"] = Tools(tools);
        }

        if (request["tool_choice"] is { } choice)
        {
            chat["tool_choice"] = choice is JsonObject named
                ? new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = Required(named, "name") } }
                : choice.DeepClone();
        }

        if (request["text"]?["format"] is JsonObject format)
        {
            chat["response_format"] = ResponseFormat(format);
        }

        return chat;
    }

    private static void AddItem(JsonArray messages, JsonObject item)
    {
        switch (JsonObjectReader.String(item, "type") ?? "message")
        {
            case "message":
                var role = JsonObjectReader.String(item, "role");
                if (role is not ("user" or "assistant" or "system" or "developer"))
                {
                    throw new RequestShapeException("A message's 'role' must be 'user', 'assistant', 'system' or 'developer'.");
                }

                messages.Add(new JsonObject { ["role"] = role == "developer" ? "system" : role, ["content"] = Content(item["content"]) });
                break;
            case "function_call":
                messages.Add(new JsonObject
                {
                    ["role"] = "assistant",
                    ["content"] = null,
                    ["tool_calls"] = new JsonArray(new JsonObject
                    {
                        ["id"] = Required(item, "call_id"),
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = Required(item, "name"), ["arguments"] = JsonObjectReader.String(item, "arguments") ?? "{}" },
                    }),
                });
                break;
            case "function_call_output":
                messages.Add(new JsonObject
                {
                    ["role"] = "tool",
                    ["tool_call_id"] = Required(item, "call_id"),
                    ["content"] = item["output"] is JsonValue output && output.GetValueKind() == JsonValueKind.String ? output.GetValue<string>() : item["output"]?.ToJsonString() ?? "",
                });
                break;
            case "reasoning":
                break;
            case var other:
                throw new RequestShapeException("Input items of type '" + other + "' cannot be sent to this model.");
        }
    }

    /// <summary>A message's content: a string stays one; parts become chat's text and image parts.</summary>
    private static JsonNode Content(JsonNode? content)
    {
        if (content is JsonValue text && text.GetValueKind() == JsonValueKind.String)
        {
            return text.GetValue<string>();
        }

        if (content is not JsonArray parts)
        {
            throw new RequestShapeException("A message's 'content' must be a string or an array of content parts.");
        }

        var translated = new JsonArray();
        foreach (var part in parts)
        {
            var obj = part as JsonObject ?? throw new RequestShapeException("Each content part must be an object.");
            switch (JsonObjectReader.String(obj, "type"))
            {
                case "input_text" or "output_text" or "text":
                    translated.Add(new JsonObject { ["type"] = "text", ["text"] = Required(obj, "text") });
                    break;
                case "input_image":
                    translated.Add(new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = Required(obj, "image_url") } });
                    break;
                case var other:
                    throw new RequestShapeException("Content parts of type '" + (other ?? "(none)") + "' cannot be sent to this model.");
            }
        }

        return translated.Count == 1 && translated[0]!["type"]!.GetValue<string>() == "text" ? translated[0]!["text"]!.GetValue<string>() : translated;
    }

    private static JsonArray Tools(JsonArray tools)
    {
        var translated = new JsonArray();
        foreach (var tool in tools)
        {
            if (tool is not JsonObject definition || JsonObjectReader.String(definition, "type") != "function")
            {
                throw new RequestShapeException("Only function tools can be used with this model; built-in tools are not available.");
            }

            var function = new JsonObject { ["name"] = Required(definition, "name") };
            Copy(definition, "description", function, "description");
            function["parameters"] = definition["parameters"]?.DeepClone() ?? new JsonObject { ["type"] = "object" };
            Copy(definition, "strict", function, "strict");
            translated.Add(new JsonObject { ["type"] = "function", ["function"] = function });
        }

        return translated;
    }

    private static JsonObject ResponseFormat(JsonObject format) => JsonObjectReader.String(format, "type") switch
    {
        "json_schema" => new JsonObject
        {
            ["type"] = "json_schema",
            ["json_schema"] = new JsonObject
            {
                ["name"] = JsonObjectReader.String(format, "name") ?? "response",
                ["schema"] = format["schema"]?.DeepClone(),
                ["strict"] = format["strict"]?.DeepClone(),
            },
        },
        "json_object" => new JsonObject { ["type"] = "json_object" },
        _ => new JsonObject { ["type"] = "text" },
    };

    private static string Required(JsonObject node, string field) =>
        JsonObjectReader.String(node, field) ?? throw new RequestShapeException("An input item lacks the string '" + field + "'.");

    private static void Copy(JsonObject from, string field, JsonObject to, string asField)
    {
        if (from[field] is { } value)
        {
            to[asField] = value.DeepClone();
        }
    }
}
