namespace GenieHive.Simulator.Engine;

/// <summary>
/// Token ids for the prompt cache: a word's id is its FNV-1a hash sealed with the role that said it, so that the
/// answer a slot generated and the same answer sent back as the assistant's message in the next turn are the same
/// tokens (as a chat template renders them), while the same words from the user are not.
/// </summary>
public static class TokenIds
{
    /// <summary>The role of a legacy text prompt (<c>/v1/completions</c>) and of token-array prompts.</summary>
    public const ulong NoRole = 0;

    private static readonly ulong AssistantRole = Role("assistant"u8);

    // Reasoning is stripped before a client sends the answer back, so its ids must never match a prompt's.
    private static readonly ulong ReasoningRole = Role("<reasoning>"u8);

    /// <summary>A role's seal (<c>system</c>, <c>user</c>, <c>assistant</c>, <c>tool</c>, ...).</summary>
    public static ulong Role(ReadOnlySpan<byte> role) => TokenText.Mix(PromptMeter.HashBytes(PromptMeter.Start, role) | 1);

    /// <summary>Seals raw word hashes (as <see cref="PromptMeter"/> records them) with their role, in place.</summary>
    public static void Seal(Span<uint> words, ulong role)
    {
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = Of(words[i], role);
        }
    }

    /// <summary>The id of token <paramref name="index"/> of the answer to a prompt with this seed (what the slot keeps).</summary>
    public static uint Answer(ulong seed, int index, bool reasoning) =>
        Of(TokenText.WordHash(seed, index, reasoning), reasoning ? ReasoningRole : AssistantRole);

    private static uint Of(uint word, ulong role) => (uint)TokenText.Mix(word ^ role);
}
