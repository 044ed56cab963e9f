using System.Security.Cryptography;
using System.Text;
using GenieHive.Contracts;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace GenieHive.Facade.Auth;

/// <summary>
/// The configured client keys, kept only as SHA-256 hashes: a presented key is hashed and compared in
/// constant time with every configured one, so neither timing nor memory dumps reveal a key.
/// </summary>
public sealed class ClientKeys
{
    private const int MaxKeyChars = 1024;
    private readonly byte[][] _hashes;

    public ClientKeys(IOptions<AuthOptions> options)
    {
        var keys = options.Value.ClientApiKeys.Select(k => k.Trim()).ToArray();
        _hashes = [.. keys.Select(k => SHA256.HashData(Encoding.UTF8.GetBytes(k)))];
        KeyForControl = keys.Length > 0 ? keys[0] : null;
    }

    /// <summary>False when no key is configured: the facade is open.</summary>
    public bool Enabled => _hashes.Length > 0;

    /// <summary>The key the facade presents to Control (Control and facade share client keys); null when auth is off.</summary>
    internal string? KeyForControl { get; }

    /// <summary>True when auth is off or the request carries a configured key.</summary>
    public bool IsAuthorized(HttpRequest request)
    {
        if (_hashes.Length == 0)
        {
            return true;
        }

        var presented = PresentedKey(request);
        if (presented.IsEmpty || presented.Length > MaxKeyChars)
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(presented.Length)];
        var length = Encoding.UTF8.GetBytes(presented, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);

        var match = false;
        foreach (var known in _hashes)
        {
            // No early exit: every configured key is compared.
            match |= CryptographicOperations.FixedTimeEquals(hash, known);
        }

        return match;
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
