using GenieHive.Contracts;
using GenieHive.Contracts.Auth;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace GenieHive.Facade.Auth;

/// <summary>The configured client keys (<see cref="ApiKeySet"/>: constant time, no OpenSSL) and the one the facade presents to Control.</summary>
public sealed class ClientKeys
{
    /// <summary>The longest key a client may present, and so the longest that may be configured (<see cref="ApiKeys.MaxKeyChars"/>).</summary>
    public const int MaxKeyChars = ApiKeys.MaxKeyChars;

    private readonly ApiKeySet _keys;

    public ClientKeys(IOptions<AuthOptions> options)
    {
        // Start-up validation (FacadeServices, ApiKeys.Problems) refuses blank and over-long keys with a clear message.
        var keys = options.Value.ClientApiKeys;
        _keys = new ApiKeySet(keys);
        KeyForControl = keys.Length > 0 ? keys[0].Trim() : null;
    }

    /// <summary>False when no key is configured: the facade is open.</summary>
    public bool Enabled => _keys.IsEnabled;

    /// <summary>The key the facade presents to Control (Control and facade share client keys); null when auth is off.</summary>
    internal string? KeyForControl { get; }

    /// <summary>True when auth is off or the request carries a configured key (<c>X-Api-Key</c> or <c>Authorization: Bearer</c>).</summary>
    public bool IsAuthorized(HttpRequest request) =>
        !_keys.IsEnabled || _keys.Accepts(Single(request.Headers[GenieHiveHeaders.ApiKey]), Single(request.Headers[HeaderNames.Authorization]));

    private static string? Single(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 1 ? values[0] : null;
}
