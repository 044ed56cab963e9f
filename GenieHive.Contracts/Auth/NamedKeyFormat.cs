using System.Buffers.Text;
using System.Security.Cryptography;

namespace GenieHive.Contracts.Auth;

/// <summary>
/// How a named key looks: <c>gh-</c>, the key's id (16 lowercase hex characters), <c>-</c>, and its secret (32 random
/// bytes, base64url, 43 characters). The id in clear makes the lookup one dictionary probe; only the secret is hashed.
/// </summary>
public static class NamedKeyFormat
{
    public const string Prefix = "gh-";
    public const int IdChars = 16;
    public const int SecretChars = 43;
    public const int KeyChars = 3 + IdChars + 1 + SecretChars;

    /// <summary>A new key id (8 random bytes as hex).</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdChars / 2));

    /// <summary>A new secret (32 random bytes, base64url without padding).</summary>
    public static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The key a client presents for <paramref name="id"/> and <paramref name="secret"/>.</summary>
    public static string Compose(string id, string secret) => Prefix + id + "-" + secret;

    /// <summary>
    /// Splits a presented key into id and secret without allocating; false for anything not in the format (wrong
    /// length, prefix or characters), which is then never looked up.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> key, out ReadOnlySpan<char> id, out ReadOnlySpan<char> secret)
    {
        id = default;
        secret = default;
        if (key.Length != KeyChars || !key.StartsWith(Prefix, StringComparison.Ordinal) || key[Prefix.Length + IdChars] != '-')
        {
            return false;
        }

        var idPart = key.Slice(Prefix.Length, IdChars);
        var secretPart = key[(Prefix.Length + IdChars + 1)..];
        if (idPart.ContainsAnyExcept(HexLower) || secretPart.ContainsAnyExcept(Base64UrlChars))
        {
            return false;
        }

        id = idPart;
        secret = secretPart;
        return true;
    }

    /// <summary>True when <paramref name="id"/> could be a key id (a path segment of the admin API).</summary>
    public static bool IsId(string? id) => id is { Length: IdChars } && !id.AsSpan().ContainsAnyExcept(HexLower);

    private static readonly System.Buffers.SearchValues<char> HexLower = System.Buffers.SearchValues.Create("0123456789abcdef");

    private static readonly System.Buffers.SearchValues<char> Base64UrlChars =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
}
