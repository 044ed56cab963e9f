using GenieHive.Simulator.Engine;

namespace GenieHive.Simulator.Embeddings;

/// <summary>
/// Deterministic embeddings that behave like real ones where tests look: each word (lower-cased letters and
/// digits) is hashed into signed buckets, so texts that share words point the same way and unrelated texts
/// are near orthogonal ("the cat sat" is closer to "cat sat on the mat" than to "quantum chromodynamics").
/// </summary>
public static class BagOfWordsEmbedder
{
    /// <summary>Adds the words of UTF-8 <paramref name="text"/> to <paramref name="vector"/>; returns the word count.</summary>
    public static int AddText(ReadOnlySpan<byte> text, Span<float> vector)
    {
        var words = 0;
        var hash = PromptMeter.Start;
        var inWord = false;
        foreach (var raw in text)
        {
            var b = raw is >= (byte)'A' and <= (byte)'Z' ? (byte)(raw + 32) : raw;
            var wordByte = b is >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or >= 0x80;
            if (wordByte)
            {
                hash = PromptMeter.HashByte(hash, b);
                inWord = true;
                continue;
            }

            if (inWord)
            {
                AddWord(hash, vector);
                words++;
                hash = PromptMeter.Start;
                inWord = false;
            }
        }

        if (inWord)
        {
            AddWord(hash, vector);
            words++;
        }

        return words;
    }

    /// <summary>Adds one token given as a number (token-array input).</summary>
    public static void AddToken(long token, Span<float> vector) =>
        AddWord(TokenText.Mix((ulong)token ^ 0x70CE_0000_0000_0000UL), vector);

    /// <summary>
    /// Writes the first <paramref name="dimensions"/> components of <paramref name="vector"/>, scaled to unit length,
    /// into <paramref name="destination"/>. A vector with no words becomes the first unit vector.
    /// </summary>
    public static void Normalize(ReadOnlySpan<float> vector, int dimensions, Span<float> destination)
    {
        var source = vector[..dimensions];
        double sum = 0;
        foreach (var value in source)
        {
            sum += (double)value * value;
        }

        if (sum <= 0)
        {
            destination[..dimensions].Clear();
            destination[0] = 1;
            return;
        }

        var scale = 1.0 / Math.Sqrt(sum);
        for (var i = 0; i < dimensions; i++)
        {
            destination[i] = (float)(source[i] * scale);
        }
    }

    // Each word lands in one signed bucket of every prefix of length 8, 16, 32, ... and of the whole vector, so
    // a vector cut to a shorter "dimensions" still carries every word (like Matryoshka embeddings do).
    private static void AddWord(ulong hash, Span<float> vector)
    {
        var length = vector.Length;
        var level = Math.Min(8, length);
        while (true)
        {
            var mixed = TokenText.Mix(hash + ((ulong)level * 0x9E3779B97F4A7C15UL));
            vector[(int)(mixed % (ulong)level)] += (mixed >> 63) == 0 ? 1f : -1f;
            if (level == length)
            {
                return;
            }

            level = Math.Min(level * 2, length);
        }
    }
}
