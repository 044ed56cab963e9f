using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Nodes;

namespace GenieHive.Routing.Policy;

/// <summary>
/// Builds the <see cref="EffectivePolicy"/> of a (requested name, target) pair. Chat merges, in order:
/// (1) the inferred Qwen3 default <c>chat_template_kwargs.enable_thinking=false</c> when any identifier (requested
/// name, service id, selected asset id, every asset id), lower-cased without non-alphanumerics, starts with
/// <c>qwen3</c>; (2) the selected asset's request policy; (3) the role's (its <c>request_policy</c> body defaults,
/// and its <c>request_policy.system_prompt</c>, or else <c>prompt_policy.system_prompt</c>, which the earlier
/// implementation forgot to inject). Later body defaults override earlier ones, recursively; the last non-empty
/// system prompt wins with its own position. Embeddings and transcription take only the asset's body defaults.
/// Every node is deep-cloned, so no two policies share a mutable node, and fully materialized once here, so that
/// the facade's concurrent readers never pay for lazy initialization on the request path.
/// </summary>
public static class PolicyMerger
{
    public const string Prepend = "prepend";
    public const string Append = "append";
    public const string Replace = "replace";

    public static EffectivePolicy For(string kind, string requested, ServiceView service, RoleView? role) =>
        For(kind, requested, service, UpstreamModels.SelectAsset(service.Assets, requested), role);

    public static EffectivePolicy For(string kind, string requested, ServiceView service, ServiceAsset? asset, RoleView? role)
    {
        var chat = kind == ServiceKinds.Chat;
        JsonObject? body = null;
        string? prompt = null;
        var position = Prepend;

        if (chat && InfersQwen3(requested, service, asset))
        {
            body = MergeInto(body, QwenDefaults());
        }

        if (asset?.RequestPolicy is { } assetPolicy)
        {
            body = MergeInto(body, assetPolicy.BodyDefaults);
            if (chat && !string.IsNullOrWhiteSpace(assetPolicy.SystemPrompt))
            {
                prompt = assetPolicy.SystemPrompt;
                position = NormalizePosition(assetPolicy.SystemPromptPosition);
            }
        }

        if (chat && role is not null)
        {
            var rolePolicy = role.PromptPolicy.RequestPolicy;
            body = MergeInto(body, rolePolicy?.BodyDefaults);
            var rolePrompt = !string.IsNullOrWhiteSpace(rolePolicy?.SystemPrompt) ? rolePolicy.SystemPrompt
                : !string.IsNullOrWhiteSpace(role.PromptPolicy.SystemPrompt) ? role.PromptPolicy.SystemPrompt
                : null;
            if (rolePrompt is not null)
            {
                prompt = rolePrompt;
                position = NormalizePosition(rolePolicy?.SystemPromptPosition);
            }
        }

        if ((body is null || body.Count == 0) && prompt is null)
        {
            return EffectivePolicy.None;
        }

        return new EffectivePolicy { BodyDefaults = body is { Count: > 0 } ? Materialize(body) : null, SystemPrompt = prompt, SystemPromptPosition = position };
    }

    /// <summary>True when the Qwen3 thinking default applies (reference section 4.6).</summary>
    public static bool InfersQwen3(string requested, ServiceView service, ServiceAsset? asset)
    {
        if (StartsWithQwen3(requested) || StartsWithQwen3(service.ServiceId) || (asset is not null && StartsWithQwen3(asset.AssetId)))
        {
            return true;
        }

        foreach (var candidate in service.Assets)
        {
            if (StartsWithQwen3(candidate.AssetId))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The identifier lower-cased with every non-alphanumeric removed starts with <c>qwen3</c>.</summary>
    public static bool StartsWithQwen3(string? identifier)
    {
        const string Prefix = "qwen3";
        if (identifier is null)
        {
            return false;
        }

        var matched = 0;
        foreach (var c in identifier)
        {
            if (!char.IsLetterOrDigit(c))
            {
                continue;
            }

            if (char.ToLowerInvariant(c) != Prefix[matched])
            {
                return false;
            }

            if (++matched == Prefix.Length)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>prepend</c>, <c>append</c> or <c>replace</c>; anything else (or nothing) means prepend.</summary>
    public static string NormalizePosition(string? position) => position?.Trim().ToLowerInvariant() switch
    {
        Append => Append,
        Replace => Replace,
        _ => Prepend,
    };

    /// <summary>Deep-merges a clone of <paramref name="source"/> into <paramref name="target"/>; the source wins.</summary>
    public static JsonObject? MergeInto(JsonObject? target, JsonObject? source)
    {
        if (source is null || source.Count == 0)
        {
            return target;
        }

        target ??= [];
        foreach (var (key, value) in source)
        {
            if (value is JsonObject sourceObject && target[key] is JsonObject targetObject)
            {
                MergeInto(targetObject, sourceObject);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }

        return target;
    }

    private static JsonObject QwenDefaults() => new()
    {
        ["chat_template_kwargs"] = new JsonObject { ["enable_thinking"] = false },
    };

    // JsonObject and JsonArray build their storage lazily on first access (thread-safe since .NET 8, but work
    // nonetheless); touching every container once here keeps that work at build time.
    private static JsonObject Materialize(JsonObject node)
    {
        Touch(node);
        return node;
    }

    private static void Touch(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    Touch(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Touch(child);
                }

                break;
        }
    }
}
