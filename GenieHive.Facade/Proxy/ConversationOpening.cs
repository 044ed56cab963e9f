using System.Buffers.Binary;
using System.Text.Json;
using GenieHive.Routing.Prediction;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// A chat request's conversation opening, for prefix affinity: a hash of the raw bytes of its leading system
/// (or developer) messages and its first other message, which stay the same on every later turn of the
/// conversation, and the byte counts of that opening and of the whole <c>messages</c> array.
/// </summary>
/// <param name="Hash">Hash of the opening's bytes (at most <see cref="MaxHashedBytes"/> of them); 0 when there is none.</param>
/// <param name="Bytes">Bytes of the opening.</param>
/// <param name="PromptBytes">Bytes of the whole <c>messages</c> array.</param>
public readonly record struct ConversationOpening(ulong Hash, int Bytes, int PromptBytes)
{
    /// <summary>Only this much of the opening is hashed: the work per request is bounded, and this is plenty to tell conversations apart.</summary>
    public const int MaxHashedBytes = 8192;

    public RequestShape Shape => Hash == 0 ? RequestShape.None : RequestShape.FromBytes(Hash, Bytes, PromptBytes);

    /// <summary>
    /// Reads a <c>messages</c> array with <paramref name="reader"/> on its <c>StartArray</c>, leaving it on the
    /// array's <c>EndArray</c> (as <see cref="Utf8JsonReader.Skip"/> would). The scan is the one the scanner makes
    /// anyway; only the opening's roles are looked at.
    /// </summary>
    public static ConversationOpening Read(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        var start = (int)reader.TokenStartIndex;
        var end = -1;
        var last = start;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (end >= 0 || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
            }
            else if (!IsInstruction(ref reader))
            {
                end = (int)reader.BytesConsumed;
            }

            last = (int)reader.BytesConsumed;
        }

        // Up to the end of the last message, so that a first turn's prompt is exactly its opening.
        var promptBytes = last - start;
        if (end < 0)
        {
            return new ConversationOpening(0, 0, promptBytes);
        }

        var bytes = end - start;
        return new ConversationOpening(Hash64(json.Slice(start, Math.Min(bytes, MaxHashedBytes))), bytes, promptBytes);
    }

    /// <summary>Reads one message object to its end; true when its role is <c>system</c> or <c>developer</c>.</summary>
    private static bool IsInstruction(ref Utf8JsonReader reader)
    {
        var instruction = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isRole = reader.ValueTextEquals("role"u8);
            reader.Read();
            if (isRole && reader.TokenType == JsonTokenType.String)
            {
                instruction = reader.ValueTextEquals("system"u8) || reader.ValueTextEquals("developer"u8);
            }
            else
            {
                reader.Skip();
            }
        }

        return instruction;
    }

    /// <summary>
    /// A stable 64-bit hash (the same in every facade, unlike <see cref="HashCode"/>), eight bytes per step;
    /// never 0, which means "no opening".
    /// </summary>
    public static ulong Hash64(ReadOnlySpan<byte> bytes)
    {
        var hash = 0x9E3779B97F4A7C15UL ^ (ulong)bytes.Length;
        while (bytes.Length >= 8)
        {
            hash = Step(hash, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
            bytes = bytes[8..];
        }

        ulong tail = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            tail |= (ulong)bytes[i] << (8 * i);
        }

        hash = Step(hash, tail);
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        return hash == 0 ? 1 : hash;
    }

    private static ulong Step(ulong hash, ulong word) => ulong.RotateLeft(hash ^ (word * 0x87C37B91114253D5UL), 31) * 0x4CF5AD432745937FUL;
}
