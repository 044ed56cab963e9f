namespace GenieHive.Simulator.Generation;

/// <summary>Response ids like llama-server's (<c>chatcmpl-</c> and 32 random letters and digits).</summary>
public static class ResponseId
{
    /// <summary>Length of an id with its prefix, at most.</summary>
    public const int MaxLength = 48;

    private const int RandomLength = 32;

    private static ReadOnlySpan<byte> Alphabet => "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"u8;

    /// <summary>Writes <paramref name="prefix"/> and random characters into <paramref name="destination"/>; returns the length.</summary>
    public static int Write(ReadOnlySpan<byte> prefix, Span<byte> destination)
    {
        prefix.CopyTo(destination);
        Random.Shared.GetItems(Alphabet, destination.Slice(prefix.Length, RandomLength));
        return prefix.Length + RandomLength;
    }
}
