using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Facade.Proxy;

namespace GenieHive.Facade.Messages;

/// <summary>
/// An Anthropic Messages request as a chat completions request, for engines that do not speak Messages: system,
/// text and image content, multi-turn history, tool definitions, tool calls and tool results, sampling and stop
/// settings. Thinking blocks in the history are dropped (an OpenAI-compatible engine has no place for them);
/// Anthropic-only settings the engine could not honour are left out. What cannot be expressed is refused.
/// </summary>
internal static class MessagesToChat
{
    public static JsonObject Translate(JsonObject request)
    {
        var messages = new JsonArray();
        if (request["system"] is { } system && SystemText(system) is { Length: > 0 } systemText)
        {
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = systemText });
        }

        foreach (var message in request["messages"]!.AsArray())
        {
            AddMessage(messages, message as JsonObject ?? throw new RequestShapeException("Each entry of 'messages' must be an object."));
        }

        var chat = new JsonObject
        {
            ["model"] = request["model"]!.DeepClone(),
            ["messages"] = messages,
            ["max_tokens"] = request["max_tokens"]!.DeepClone(),
        };
        CopyIfPresent(request, "temperature", chat, "temperature");
        CopyIfPresent(request, "top_p", chat, "top_p");
        CopyIfPresent(request, "top_k", chat, "top_k");
        CopyIfPresent(request, "stop_sequences", chat, "stop");
        if (request["metadata"]?["user_id"] is JsonValue user)
        {
            chat["user"] = user.DeepClone();
        }

        if (request["stream"] is JsonValue stream && stream.GetValueKind() == JsonValueKind.True)
        {
            chat["stream"] = true;
            chat["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        if (request["tools"] is JsonArray tools && tools.Count > 0)
        {
            chat["tools"] = Tools(tools);
        }

        if (request["tool_choice"] is JsonObject choice)
        {
            AddToolChoice(chat, choice);
        }

        return chat;
    }

    private static void AddMessage(JsonArray messages, JsonObject message)
    {
        var role = message["role"] is JsonValue r && r.GetValueKind() == JsonValueKind.String ? r.GetValue<string>() : null;
        if (role is not ("user" or "assistant"))
        {
            throw new RequestShapeException("A message's 'role' must be 'user' or 'assistant'.");
        }

        var content = message["content"];
        if (content is JsonValue text && text.GetValueKind() == JsonValueKind.String)
        {
            messages.Add(new JsonObject { ["role"] = role, ["content"] = text.GetValue<string>() });
            return;
        }

        if (content is not JsonArray blocks)
        {
            throw new RequestShapeException("A message's 'content' must be a string or an array of content blocks.");
        }

        if (role == "assistant")
        {
            messages.Add(AssistantMessage(blocks));
        }
        else
        {
            AddUserMessages(messages, blocks);
        }
    }

    /// <summary>Tool results become <c>tool</c> messages, which must follow the assistant's tool calls; the rest one user message.</summary>
    private static void AddUserMessages(JsonArray messages, JsonArray blocks)
    {
        var parts = new JsonArray();
        foreach (var block in blocks)
        {
            switch (BlockType(block))
            {
                case "text":
                    parts.Add(new JsonObject { ["type"] = "text", ["text"] = RequiredString(block!, "text") });
                    break;
                case "image":
                    parts.Add(new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = ImageUrl(block!) } });
                    break;
                case "tool_result":
                    messages.Add(new JsonObject
                    {
                        ["role"] = "tool",
                        ["tool_call_id"] = RequiredString(block!, "tool_use_id"),
                        ["content"] = block!["content"] is { } result ? SystemText(result) : "",
                    });
                    break;
                case var other:
                    throw Unsupported(other);
            }
        }

        if (parts.Count == 1 && parts[0]!["type"]!.GetValue<string>() == "text")
        {
            messages.Add(new JsonObject { ["role"] = "user", ["content"] = parts[0]!["text"]!.GetValue<string>() });
        }
        else if (parts.Count > 0)
        {
            messages.Add(new JsonObject { ["role"] = "user", ["content"] = parts });
        }
    }

    private static JsonObject AssistantMessage(JsonArray blocks)
    {
        var text = new List<string>();
        var calls = new JsonArray();
        foreach (var block in blocks)
        {
            switch (BlockType(block))
            {
                case "text":
                    text.Add(RequiredString(block!, "text"));
                    break;
                case "tool_use":
                    calls.Add(new JsonObject
                    {
                        ["id"] = RequiredString(block!, "id"),
                        ["type"] = "function",
                        ["function"] = new JsonObject
                        {
                            ["name"] = RequiredString(block!, "name"),
                            ["arguments"] = block!["input"]?.ToJsonString() ?? "{}",
                        },
                    });
                    break;
                case "thinking" or "redacted_thinking":
                    break;
                case var other:
                    throw Unsupported(other);
            }
        }

        var message = new JsonObject { ["role"] = "assistant", ["content"] = text.Count == 0 && calls.Count > 0 ? null : string.Concat(text) };
        if (calls.Count > 0)
        {
            message["tool_calls"] = calls;
        }

        return message;
    }

    private static JsonArray Tools(JsonArray tools)
    {
        var translated = new JsonArray();
        foreach (var tool in tools)
        {
            if (tool is not JsonObject definition || (definition["type"] is JsonValue type && type.GetValue<string>() != "custom"))
            {
                throw new RequestShapeException("Only client tools (name, description, input_schema) can be used with this model; server tools are not available.");
            }

            var function = new JsonObject { ["name"] = RequiredString(definition, "name") };
            CopyIfPresent(definition, "description", function, "description");
            function["parameters"] = definition["input_schema"]?.DeepClone() ?? new JsonObject { ["type"] = "object" };
            translated.Add(new JsonObject { ["type"] = "function", ["function"] = function });
        }

        return translated;
    }

    private static void AddToolChoice(JsonObject chat, JsonObject choice)
    {
        chat["tool_choice"] = BlockType(choice) switch
        {
            "auto" => "auto",
            "any" => "required",
            "none" => "none",
            "tool" => new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = RequiredString(choice, "name") } },
            var other => throw new RequestShapeException("Unknown tool_choice type '" + other + "'."),
        };
        if (choice["disable_parallel_tool_use"] is JsonValue disable && disable.GetValueKind() == JsonValueKind.True)
        {
            chat["parallel_tool_calls"] = false;
        }
    }

    /// <summary>A string, or the text of an array of text blocks (system prompts and tool results take both).</summary>
    private static string SystemText(JsonNode node)
    {
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            return value.GetValue<string>();
        }

        if (node is not JsonArray blocks)
        {
            throw new RequestShapeException("'system' and tool results must be a string or an array of text blocks.");
        }

        var texts = new List<string>();
        foreach (var block in blocks)
        {
            if (BlockType(block) != "text")
            {
                throw Unsupported(BlockType(block));
            }

            texts.Add(RequiredString(block!, "text"));
        }

        return string.Join("\n\n", texts);
    }

    private static string ImageUrl(JsonNode block)
    {
        var source = block["source"] as JsonObject ?? throw new RequestShapeException("An image block needs a 'source'.");
        return BlockType(source) switch
        {
            "base64" => "data:" + RequiredString(source, "media_type") + ";base64," + RequiredString(source, "data"),
            "url" => RequiredString(source, "url"),
            _ => throw new RequestShapeException("An image's source must be 'base64' or 'url'."),
        };
    }

    private static string? BlockType(JsonNode? block) =>
        block is JsonObject obj && obj["type"] is JsonValue type && type.GetValueKind() == JsonValueKind.String ? type.GetValue<string>() : null;

    private static string RequiredString(JsonNode node, string field) =>
        node[field] is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : throw new RequestShapeException("A content block lacks the string '" + field + "'.");

    private static RequestShapeException Unsupported(string? type) =>
        new("Content blocks of type '" + (type ?? "(none)") + "' cannot be sent to this model.");

    private static void CopyIfPresent(JsonObject from, string field, JsonObject to, string asField)
    {
        if (from[field] is { } value)
        {
            to[asField] = value.DeepClone();
        }
    }
}
