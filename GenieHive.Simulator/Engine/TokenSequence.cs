namespace GenieHive.Simulator.Engine;

/// <summary>
/// A prompt (and, in a slot's cache, its answer) as token ids, for the prompt cache: what a slot holds and what a
/// request brings are compared by their longest common prefix, token by token, as llama-server's <c>cache_prompt</c>
/// does. Built only when the prompt cache is on; a slot keeps the sequence of the last request it served.
/// </summary>
public sealed class TokenSequence
{
    private uint[] _items;

    public TokenSequence(int capacity = 64)
    {
        _items = new uint[Math.Max(4, capacity)];
    }

    public int Count { get; private set; }

    public ReadOnlySpan<uint> Span => _items.AsSpan(0, Count);

    public void Add(uint token)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[Count++] = token;
    }

    /// <summary>Replaces the ids from <paramref name="start"/> on (a message's words, once its role is known).</summary>
    public Span<uint> From(int start) => _items.AsSpan(start, Count - start);

    /// <summary>A copy of the first <paramref name="count"/> ids.</summary>
    public TokenSequence Prefix(int count)
    {
        var copy = new TokenSequence(count);
        Span[..count].CopyTo(copy._items);
        copy.Count = count;
        return copy;
    }

    /// <summary>Length of the longest common prefix of two sequences.</summary>
    public static int CommonPrefix(TokenSequence? a, TokenSequence? b) =>
        a is null || b is null ? 0 : a.Span.CommonPrefixLength(b.Span);
}
