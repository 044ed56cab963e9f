using System.Globalization;

namespace GenieHive.Contracts.Auth;

/// <summary>
/// The rules every service applies to API keys: how a request presents one (<c>X-Api-Key</c> or
/// <c>Authorization: Bearer</c>, trimmed), how long one may be, and which configured keys are refused at start-up.
/// </summary>
public static class ApiKeys
{
    /// <summary>The longest key a client may present, and so the longest that may be configured (characters).</summary>
    public const int MaxKeyChars = 1024;

    private const string BearerPrefix = "Bearer ";

    /// <summary>The key in an <c>X-Api-Key</c> (or node key) header value, trimmed; empty when there is none.</summary>
    public static ReadOnlySpan<char> FromKeyHeader(string? value) => value is null ? [] : value.AsSpan().Trim();

    /// <summary>The Bearer token of an <c>Authorization</c> header value, trimmed; empty for any other scheme or none.</summary>
    public static ReadOnlySpan<char> FromAuthorization(string? value) =>
        value is not null && value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            ? value.AsSpan(BearerPrefix.Length).Trim()
            : [];

    /// <summary>
    /// What is wrong with a configured key list (<paramref name="setting"/> is its configuration path, such as
    /// <c>GenieHive:Auth:ClientApiKeys</c>): a blank entry is refused rather than skipped, since skipping it could
    /// leave auth off when the operator meant to turn it on; a key longer than <see cref="MaxKeyChars"/> could never
    /// be presented. Empty when the list is fine (an empty list is: it turns auth off).
    /// </summary>
    public static IEnumerable<string> Problems(IReadOnlyList<string?>? keys, string setting)
    {
        if (keys is null)
        {
            yield break;
        }

        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            if (string.IsNullOrWhiteSpace(key))
            {
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"{setting}:{i} is empty; remove it or set a key (an empty list turns auth off).");
            }
            else if (key.Trim().Length > MaxKeyChars)
            {
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"{setting}:{i} is longer than {MaxKeyChars} characters; no client could present it.");
            }
        }
    }
}
