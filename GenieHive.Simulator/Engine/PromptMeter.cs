using System.Buffers;
using System.Text.Json;

namespace GenieHive.Simulator.Engine;

/// <summary>
/// Counts a prompt's tokens (as whitespace-separated words, close enough to a tokenizer for a simulator) and
/// hashes its text (FNV-1a, stable across processes) so that the same prompt always gets the same answer. With a
/// token sink (the prompt cache is on) it also records each word's id (<see cref="TokenIds"/>), sealed with the role
/// of the message it belongs to.
/// </summary>
public struct PromptMeter
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    private ulong _hash;
    private bool _started;
    private int _unsealed;

    /// <summary>A meter that also records token ids into <paramref name="tokens"/> (null: count and hash only).</summary>
    public PromptMeter(TokenSequence? tokens)
    {
        RecordedTokens = tokens;
    }

    /// <summary>The ids of the words seen so far, when recording (words of the current message are not sealed yet).</summary>
    public readonly TokenSequence? RecordedTokens { get; }

    /// <summary>Words seen so far.</summary>
    public int Tokens { get; private set; }

    /// <summary>The hash of all text seen so far.</summary>
    public readonly ulong Hash => _started ? _hash : FnvOffset;

    /// <summary>Counts and hashes UTF-8 text.</summary>
    public void Add(ReadOnlySpan<byte> utf8)
    {
        var hash = _started ? _hash : FnvOffset;
        var inWord = false;
        var words = 0;
        var word = FnvOffset;
        var ids = RecordedTokens;
        foreach (var b in utf8)
        {
            hash = (hash ^ b) * FnvPrime;
            var space = b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
            if (!space && !inWord)
            {
                words++;
                word = FnvOffset;
            }

            if (ids is not null)
            {
                if (!space)
                {
                    word = (word ^ b) * FnvPrime;
                }
                else if (inWord)
                {
                    ids.Add((uint)word);
                }
            }

            inWord = !space;
        }

        if (ids is not null && inWord)
        {
            ids.Add((uint)word);
        }

        // A separator between values, so ["ab","c"] and ["a","bc"] hash differently.
        _hash = (hash ^ 0x1F) * FnvPrime;
        _started = true;
        Tokens += words;
    }

    /// <summary>Counts one token given as a number (token-array prompts).</summary>
    public void AddToken(long token)
    {
        var hash = _started ? _hash : FnvOffset;
        _hash = (hash ^ (ulong)token) * FnvPrime;
        _started = true;
        Tokens++;
        RecordedTokens?.Add((uint)TokenText.Mix((ulong)token));
    }

    /// <summary>
    /// Gives the words recorded since the last seal their role (a message's role may come after its content in the
    /// JSON), so that the same words said by the user and by the assistant are different tokens.
    /// </summary>
    public void Seal(ulong role)
    {
        if (RecordedTokens is not { } ids)
        {
            return;
        }

        TokenIds.Seal(ids.From(_unsealed), role);
        _unsealed = ids.Count;
    }

    /// <summary>Counts and hashes the current string token of a reader, unescaping when it has to.</summary>
    public void AddString(ref Utf8JsonReader reader)
    {
        if (!reader.HasValueSequence && !reader.ValueIsEscaped)
        {
            Add(reader.ValueSpan);
            return;
        }

        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = reader.CopyString(rented);
            Add(rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>FNV-1a of bytes, from a running value (start with <see cref="Start"/>).</summary>
    public static ulong HashBytes(ulong hash, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * FnvPrime;
        }

        return hash;
    }

    /// <summary>One FNV-1a step.</summary>
    public static ulong HashByte(ulong hash, byte value) => (hash ^ value) * FnvPrime;

    /// <summary>The FNV-1a starting value.</summary>
    public static ulong Start => FnvOffset;
}
