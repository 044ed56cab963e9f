using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Routing;

namespace GenieHive.Facade.Policy;

/// <summary>
/// Shapes a request body for one target (reference 4.7): body defaults merged under the caller's values, the
/// system prompt placed idempotently (chat only), and <c>model</c> set to the upstream id. Fields the facade does
/// not know pass through untouched.
/// </summary>
public static class RequestPolicyApplier
{
    public const string Append = "append";
    public const string Replace = "replace";
    public const string Prepend = "prepend";

    /// <summary>Applies <paramref name="policy"/> in place. <paramref name="allowSystemPrompt"/> is false for non-chat bodies.</summary>
    public static void Apply(JsonObject body, EffectivePolicy policy, bool allowSystemPrompt, string upstreamModel)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.BodyDefaults is { Count: > 0 } defaults)
        {
            MergeDefaults(body, defaults);
        }

        if (allowSystemPrompt && !string.IsNullOrEmpty(policy.SystemPrompt) && body["messages"] is JsonArray messages)
        {
            ApplySystemPrompt(messages, policy.SystemPrompt, policy.SystemPromptPosition);
        }

        body["model"] = upstreamModel;
    }

    /// <summary>
    /// Copies each default the body lacks (deep clone); recurses where both sides are objects; otherwise the
    /// caller's value wins, an explicit null included.
    /// </summary>
    public static void MergeDefaults(JsonObject target, JsonObject defaults)
    {
        foreach (var (key, defaultValue) in defaults)
        {
            if (!target.TryGetPropertyValue(key, out var current))
            {
                target[key] = defaultValue?.DeepClone();
            }
            else if (current is JsonObject currentObject && defaultValue is JsonObject defaultObject)
            {
                MergeDefaults(currentObject, defaultObject);
            }
        }
    }

    /// <summary>
    /// Drops non-object messages, then leaves the list alone when a system message already says exactly this;
    /// otherwise appends, replaces the first system message's content (prepending when there is none), or prepends.
    /// </summary>
    public static void ApplySystemPrompt(JsonArray messages, string systemPrompt, string? position)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i] is not JsonObject)
            {
                messages.RemoveAt(i);
            }
        }

        JsonObject? firstSystem = null;
        foreach (var message in messages)
        {
            var obj = (JsonObject)message!;
            if (!IsSystem(obj))
            {
                continue;
            }

            if (ContentEquals(obj["content"], systemPrompt))
            {
                return;
            }

            firstSystem ??= obj;
        }

        if (string.Equals(position, Append, StringComparison.OrdinalIgnoreCase))
        {
            messages.Add(SystemMessage(systemPrompt));
        }
        else if (string.Equals(position, Replace, StringComparison.OrdinalIgnoreCase) && firstSystem is not null)
        {
            firstSystem["content"] = systemPrompt;
        }
        else
        {
            messages.Insert(0, SystemMessage(systemPrompt));
        }
    }

    private static bool IsSystem(JsonObject message) =>
        message["role"] is JsonValue role && role.GetValueKind() == JsonValueKind.String
        && string.Equals(role.GetValue<string>(), "system", StringComparison.Ordinal);

    private static bool ContentEquals(JsonNode? content, string expected) =>
        content is JsonValue value && value.GetValueKind() == JsonValueKind.String
        && string.Equals(value.GetValue<string>(), expected, StringComparison.Ordinal);

    private static JsonObject SystemMessage(string content) => new()
    {
        ["role"] = "system",
        ["content"] = content,
    };
}
