using System.Runtime.InteropServices;
using System.Text;
using GenieHive.Contracts;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace GenieHive.Facade.Auth;

/// <summary>
/// The configured client keys, each held as UTF-8 in a zero-padded slot of one fixed width. A presented key is
/// padded the same way and compared with every configured one over the whole width, with the lengths compared in
/// the same pass, so the time taken depends on neither the contents nor the length of any key.
/// </summary>
/// <remarks>
/// A fixed-width compare instead of comparing SHA-256 hashes: the same constant-time property without loading
/// OpenSSL into the facade (about 4.5 MB of resident memory, and a native call on every request).
/// </remarks>
public sealed class ClientKeys
{
    /// <summary>The longest key a client may present, and so the longest that may be configured.</summary>
    public const int MaxKeyChars = 1024;

    // UTF-8 takes at most 3 bytes per UTF-16 char (a surrogate pair is 2 chars and 4 bytes); a multiple of 8.
    private const int SlotBytes = MaxKeyChars * 3;

    // Each configured key: its zero-padded slot and its UTF-8 length (-1 never matches).
    private readonly (byte[] Slot, int Length)[] _keys;

    public ClientKeys(IOptions<AuthOptions> options)
    {
        // Start-up validation (FacadeServices) refuses blank and over-long keys with a clear message.
        var keys = options.Value.ClientApiKeys.Select(k => k.Trim()).ToArray();
        _keys = [.. keys.Select(ToSlot)];

        KeyForControl = keys.Length > 0 ? keys[0] : null;
    }

    /// <summary>False when no key is configured: the facade is open.</summary>
    public bool Enabled => _keys.Length > 0;

    /// <summary>The key the facade presents to Control (Control and facade share client keys); null when auth is off.</summary>
    internal string? KeyForControl { get; }

    /// <summary>True when auth is off or the request carries a configured key.</summary>
    public bool IsAuthorized(HttpRequest request)
    {
        if (_keys.Length == 0)
        {
            return true;
        }

        var presented = PresentedKey(request);
        if (presented.IsEmpty || presented.Length > MaxKeyChars)
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

        // An over-long key never matches (length -1) rather than throw here: start-up validation names the problem,
        // and endpoint building (which creates this) may run before it.
        return (slot, key.Length <= MaxKeyChars ? Encoding.UTF8.GetBytes(key, slot) : -1);
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

    private static ReadOnlySpan<char> PresentedKey(HttpRequest request)
    {
        var apiKey = request.Headers[GenieHiveHeaders.ApiKey];
        if (apiKey.Count == 1 && !string.IsNullOrEmpty(apiKey[0]))
        {
            return apiKey[0].AsSpan().Trim();
        }

        var authorization = request.Headers[HeaderNames.Authorization];
        if (authorization.Count == 1 && authorization[0] is { } value
            && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return value.AsSpan(7).Trim();
        }

        return [];
    }
}
