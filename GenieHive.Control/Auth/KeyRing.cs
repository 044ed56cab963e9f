using System.Security.Cryptography;
using System.Text;

namespace GenieHive.Control.Auth;

/// <summary>
/// A set of keys compared in constant time: both sides are hashed with SHA-256 so that the comparison
/// length never depends on the secret, and every configured key is compared (no early exit).
/// Only hashes are kept, so a key never sits in memory as a string beyond configuration.
/// </summary>
public sealed class KeyRing
{
    private readonly byte[][] _hashes;

    public KeyRing(IEnumerable<string> keys)
    {
        _hashes = [.. keys.Where(key => !string.IsNullOrEmpty(key)).Select(Hash)];
    }

    /// <summary>False when no keys are configured, which means this kind of auth is off.</summary>
    public bool IsEnabled => _hashes.Length > 0;

    public bool Accepts(ReadOnlySpan<char> presented)
    {
        if (presented.IsEmpty)
        {
            return false;
        }

        Span<byte> candidate = stackalloc byte[SHA256.HashSizeInBytes];
        HashInto(presented, candidate);
        var match = false;
        foreach (var hash in _hashes)
        {
            // Non-short-circuit OR keeps the time independent of which key matched.
            match |= CryptographicOperations.FixedTimeEquals(candidate, hash);
        }

        CryptographicOperations.ZeroMemory(candidate);
        return match;
    }

    private static byte[] Hash(string key)
    {
        var hash = new byte[SHA256.HashSizeInBytes];
        HashInto(key, hash);
        return hash;
    }

    private static void HashInto(ReadOnlySpan<char> key, Span<byte> destination)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(key.Length);
        var buffer = maxBytes <= 512 ? stackalloc byte[512] : new byte[maxBytes];
        var written = Encoding.UTF8.GetBytes(key, buffer);
        SHA256.HashData(buffer[..written], destination);
        CryptographicOperations.ZeroMemory(buffer[..written]);
    }
}
