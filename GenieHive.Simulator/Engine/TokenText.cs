using System.Text;

namespace GenieHive.Simulator.Engine;

/// <summary>
/// The simulated model's output: a deterministic sequence of words picked by a hash of the prompt, one word per
/// token, each with a leading space as llama.cpp's tokens usually have (" rendered", " party").
/// </summary>
public static class TokenText
{
    private static readonly string[] Words =
    [
        "the", "hive", "answers", "quickly", "with", "a", "small", "model", "that", "runs", "on", "every", "host",
        "and", "routes", "each", "request", "to", "best", "engine", "it", "can", "find", "while", "tokens", "stream",
        "back", "in", "order", "so", "clients", "see", "text", "arrive", "word", "by", "local", "cluster", "keeps",
        "working", "when", "one", "node", "sleeps", "or", "goes", "away", "queue", "waits", "for", "free", "slot",
        "simple", "honest", "fast", "quiet", "bright", "river", "stone", "garden", "light", "morning", "signal",
        "bridge",
    ];

    private static readonly byte[][] Tokens = [.. Words.Select(word => Encoding.UTF8.GetBytes(" " + word))];

    // Each word's raw hash as PromptMeter records a prompt's words (the word's bytes, without the space).
    private static readonly uint[] WordHashes = [.. Words.Select(word => (uint)PromptMeter.HashBytes(PromptMeter.Start, Encoding.UTF8.GetBytes(word)))];

    /// <summary>The UTF-8 bytes of token <paramref name="index"/> of the answer to a prompt with this hash (JSON-safe).</summary>
    public static ReadOnlySpan<byte> Token(ulong seed, int index) => Tokens[WordIndex(seed, index)];

    /// <summary>A different stream of words from the same seed (reasoning before the answer).</summary>
    public static ReadOnlySpan<byte> ReasoningToken(ulong seed, int index) => Token(ReasoningSeed(seed), index);

    /// <summary>The raw hash of the word of <see cref="Token"/> (or <see cref="ReasoningToken"/>), as a prompt's word would hash.</summary>
    public static uint WordHash(ulong seed, int index, bool reasoning) => WordHashes[WordIndex(reasoning ? ReasoningSeed(seed) : seed, index)];

    private static int WordIndex(ulong seed, int index) => (int)(Mix(seed + ((ulong)index * 0x9E3779B97F4A7C15UL)) % (ulong)Tokens.Length);

    private static ulong ReasoningSeed(ulong seed) => Mix(seed ^ 0x5EA5_0000_0000_0001UL);

    /// <summary>SplitMix64's finalizer: spreads a seed's bits.</summary>
    public static ulong Mix(ulong value)
    {
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
        return value ^ (value >> 31);
    }
}
