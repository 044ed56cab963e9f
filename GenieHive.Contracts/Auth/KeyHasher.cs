using System.Security.Cryptography;
using System.Text;

namespace GenieHive.Contracts.Auth;

/// <summary>
/// The hash a named key's secret is stored and compared as: HMAC-SHA-256 under the server's hash secret, so a copy of
/// the database alone does not let anyone test guesses. Hashing and comparing allocate nothing (stack buffers, the
/// static HMAC), and the comparison is constant-time.
/// </summary>
public sealed class KeyHasher
{
    public const int HashBytes = 32;

    private readonly byte[] _secret;

    /// <summary><paramref name="secret"/>: the server's hash secret (at least 32 bytes).</summary>
    public KeyHasher(byte[] secret)
    {
        if (secret.Length < 32)
        {
            throw new ArgumentException("The key hash secret must be at least 32 bytes.", nameof(secret));
        }

        _secret = secret;
    }

    /// <summary>The stored hash of <paramref name="keySecret"/> (the part after the id).</summary>
    public byte[] Hash(ReadOnlySpan<char> keySecret)
    {
        var hash = new byte[HashBytes];
        HashInto(keySecret, hash);
        return hash;
    }

    /// <summary>True when <paramref name="keySecret"/> hashes to <paramref name="stored"/>, compared in constant time.</summary>
    public bool Matches(ReadOnlySpan<char> keySecret, ReadOnlySpan<byte> stored)
    {
        Span<byte> hash = stackalloc byte[HashBytes];
        HashInto(keySecret, hash);
        return CryptographicOperations.FixedTimeEquals(hash, stored);
    }

    private void HashInto(ReadOnlySpan<char> keySecret, Span<byte> destination)
    {
        // Secrets are bounded by the format (43 ASCII characters), so the stack buffer is small.
        Span<byte> utf8 = stackalloc byte[NamedKeyFormat.SecretChars * 3];
        var length = Encoding.UTF8.GetBytes(keySecret[..Math.Min(keySecret.Length, NamedKeyFormat.SecretChars)], utf8);
        HMACSHA256.HashData(_secret, utf8[..length], destination);
    }
}
