using System.Text.Json.Nodes;

namespace GenieHive.Routing;

/// <summary>
/// The merged request policy for one (requested name, target) pair: inferred Qwen3 defaults, then the
/// asset's policy, then the role's (later wins within body defaults; the last non-empty system prompt wins).
/// </summary>
public sealed class EffectivePolicy
{
    public static EffectivePolicy None { get; } = new();

    /// <summary>Defaults deep-merged under the caller's body (the caller wins at every level). Never mutate.</summary>
    public JsonObject? BodyDefaults { get; init; }
    public string? SystemPrompt { get; init; }

    /// <summary><c>prepend</c>, <c>append</c> or <c>replace</c>.</summary>
    public string SystemPromptPosition { get; init; } = "prepend";

    /// <summary>True when applying the policy would change nothing but <c>model</c>: the proxy can splice bytes.</summary>
    public bool IsEmpty => (BodyDefaults is null || BodyDefaults.Count == 0) && string.IsNullOrEmpty(SystemPrompt);
}
