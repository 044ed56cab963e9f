namespace GenieHive.Facade.Policy;

/// <summary>
/// The request policy's system prompt placed into an API's single system text (Anthropic's <c>system</c>, the
/// Responses API's <c>instructions</c>) by the rules chat's system message follows (<see cref="RequestPolicyApplier"/>):
/// nothing changes when the text already says exactly the prompt; otherwise it is prepended (the default), appended,
/// or replaces the text.
/// </summary>
public static class SystemPromptText
{
    /// <summary>Blank line between the prompt and the caller's own text, as two system messages would read.</summary>
    public const string Separator = "\n\n";

    /// <summary>The system text for the target; <paramref name="existing"/> unchanged when it already is the prompt.</summary>
    public static string Combine(string? existing, string prompt, string? position)
    {
        if (string.IsNullOrEmpty(existing) || string.Equals(existing, prompt, StringComparison.Ordinal))
        {
            return prompt;
        }

        if (string.Equals(position, RequestPolicyApplier.Append, StringComparison.OrdinalIgnoreCase))
        {
            return existing + Separator + prompt;
        }

        return string.Equals(position, RequestPolicyApplier.Replace, StringComparison.OrdinalIgnoreCase)
            ? prompt
            : prompt + Separator + existing;
    }

    /// <summary>True when <paramref name="position"/> asks for the caller's own system text to be dropped.</summary>
    public static bool Replaces(string? position) => string.Equals(position, RequestPolicyApplier.Replace, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="position"/> puts the prompt after the caller's own system text.</summary>
    public static bool Appends(string? position) => string.Equals(position, RequestPolicyApplier.Append, StringComparison.OrdinalIgnoreCase);
}
