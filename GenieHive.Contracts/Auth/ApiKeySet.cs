using System.Runtime.InteropServices;
using System.Text;

namespace GenieHive.Contracts.Auth;

/// <summary>
/// A set of configured keys, each held as UTF-8 in a zero-padded slot of one fixed width. A presented key is padded
/// the same way and compared with every configured one over the whole width, with the lengths compared in the same
/// pass, so the time taken depends on neither the contents nor the length of any key.
/// </summary>
/// <remarks>
/// A fixed-width compare instead of comparing SHA-256 hashes: the same constant-time property without loading OpenSSL
/// (about 4.5 MB of resident memory, and a native call per request), which keeps the facade within its idle-memory
/// budget. Control and the facade compare keys with this one type, so a key that one accepts the other accepts.
/// </remarks>
public sealed class ApiKeySet
{
    // UTF-8 takes at most 3 bytes per UTF-16 char (a surrogate pair is 2 chars and 4 bytes); a multiple of 8.
    private const int SlotBytes = ApiKeys.MaxKeyChars * 3;

    // Each configured key: its zero-padded slot and its UTF-8 length (-1 never matches).
    private readonly (byte[] Slot, int Length)[] _keys;

    /// <summary>The keys (trimmed); blank ones are left out, an over-long one never matches (start-up validation names both).</summary>
    public ApiKeySet(IEnumerable<string?> keys)
    {
        _keys = [.. keys.Where(key => !string.IsNullOrWhiteSpace(key)).Select(key => ToSlot(key!.Trim()))];
    }

    /// <summary>False when no key is configured, which means this kind of auth is off.</summary>
    public bool IsEnabled => _keys.Length > 0;

    /// <summary>
    /// True when either header carries a configured key: <paramref name="keyHeader"/> is the value of
    /// <c>X-Api-Key</c> (or the node key header), <paramref name="authorization"/> that of <c>Authorization</c>
    /// (null when absent). Both are checked, since a proxy may add one beside the caller's.
    /// </summary>
    public bool Accepts(string? keyHeader, string? authorization) =>
        Accepts(ApiKeys.FromKeyHeader(keyHeader)) | Accepts(ApiKeys.FromAuthorization(authorization));

    /// <summary>True when <paramref name="presented"/> is one of the configured keys.</summary>
    public bool Accepts(ReadOnlySpan<char> presented)
    {
        if (presented.IsEmpty || presented.Length > ApiKeys.MaxKeyChars)
        {
            return false;
        }

        Span<byte> slot = stackalloc byte[SlotBytes];
        slot.Clear();
        var length = Encoding.UTF8.GetBytes(presented, slot);

        var match = false;
        foreach (var known in _keys)
        {
            // No early exit: every configured key is compared over the full width.
            match |= FixedWidthEquals(slot, known.Slot) & (length == known.Length);
        }

        return match;
    }

    private static (byte[] Slot, int Length) ToSlot(string key)
    {
        var slot = new byte[SlotBytes];
        return (slot, key.Length <= ApiKeys.MaxKeyChars ? Encoding.UTF8.GetBytes(key, slot) : -1);
    }

    /// <summary>
    /// Equal slots, in time that depends only on the width: eight bytes at a time, differences OR-ed together, one
    /// test at the end. Not <see cref="System.Security.Cryptography.CryptographicOperations.FixedTimeEquals"/>: it is
    /// compiled without optimisation on purpose, and over a 3 KB slot that cost the facade about 8 µs a request (about
    /// a tenth of its throughput, bench/run.sh).
    /// </summary>
    private static bool FixedWidthEquals(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var a = MemoryMarshal.Cast<byte, ulong>(left);
        var b = MemoryMarshal.Cast<byte, ulong>(right);
        ulong difference = 0;
        for (var i = 0; i < a.Length; i++)
        {
            difference |= a[i] ^ b[i];
        }

        return difference == 0;
    }
}
