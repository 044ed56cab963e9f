using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Facade.Policy;

namespace GenieHive.Facade.Messages;

/// <summary>
/// A role's system prompt into an Anthropic request's <c>system</c> (a string or an array of text blocks), by the
/// rules of <see cref="SystemPromptText"/>: a string stays a string; in an array the prompt is a text block of its own.
/// </summary>
internal static class MessagesSystemPrompt
{
    public static void Apply(JsonObject body, string? prompt, string? position)
    {
        if (string.IsNullOrEmpty(prompt))
        {
            return;
        }

        if (body["system"] is not JsonArray blocks)
        {
            var existing = body["system"] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
            body["system"] = SystemPromptText.Combine(existing, prompt, position);
            return;
        }

        foreach (var block in blocks)
        {
            if (block?["text"] is JsonValue text && text.GetValueKind() == JsonValueKind.String && text.GetValue<string>() == prompt)
            {
                return;
            }
        }

        if (SystemPromptText.Replaces(position) || blocks.Count == 0)
        {
            body["system"] = prompt;
        }
        else if (SystemPromptText.Appends(position))
        {
            blocks.Add(TextBlock(prompt));
        }
        else
        {
            blocks.Insert(0, TextBlock(prompt));
        }
    }

    private static JsonObject TextBlock(string text) => new() { ["type"] = "text", ["text"] = text };
}
