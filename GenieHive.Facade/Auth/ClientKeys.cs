using GenieHive.Contracts;
using GenieHive.Contracts.Auth;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace GenieHive.Facade.Auth;

/// <summary>
/// The client keys this facade accepts: the configured ones (<see cref="ApiKeySet"/>: constant time, no OpenSSL; every
/// scope) and the named keys of the last key table Control published (<see cref="NamedKeyDirectory"/>, swapped whole by
/// the key watch), and the configured key the facade presents to Control.
/// </summary>
public sealed class ClientKeys
{
    /// <summary>The longest key a client may present, and so the longest that may be configured (<see cref="ApiKeys.MaxKeyChars"/>).</summary>
    public const int MaxKeyChars = ApiKeys.MaxKeyChars;

    private readonly ApiKeySet _keys;
    private volatile NamedKeyDirectory _named = NamedKeyDirectory.Empty;

    public ClientKeys(IOptions<AuthOptions> options)
    {
        // Start-up validation (FacadeServices, ApiKeys.Problems) refuses blank and over-long keys with a clear message.
        var keys = options.Value.ClientApiKeys;
        _keys = new ApiKeySet(keys);
        KeyForControl = keys.Length > 0 ? keys[0].Trim() : null;
    }

    /// <summary>
    /// False when no key is configured: the facade is open (named keys need client auth on, since the facade follows
    /// them from Control with its configured key).
    /// </summary>
    public bool Enabled => _keys.IsEnabled;

    /// <summary>The key the facade presents to Control (Control and facade share client keys); null when auth is off.</summary>
    internal string? KeyForControl { get; }

    /// <summary>The named keys in force (the last key table applied).</summary>
    public NamedKeyDirectory Named => _named;

    /// <summary>Puts a new key table's keys in force at once (the key watch calls this).</summary>
    internal void Publish(NamedKeyDirectory named) => _named = named;

    /// <summary>True when auth is off or the request carries a valid key of any kind.</summary>
    public bool IsAuthorized(HttpRequest request) => Resolve(request) is not null;

    /// <summary>
    /// Who the request's key says the caller is: <see cref="ClientIdentity.Open"/> when auth is off,
    /// <see cref="ClientIdentity.Configured"/> for a configured key, the named key, or null when no valid key was sent.
    /// Allocates nothing: the headers are read as spans, the named key found by a span lookup.
    /// </summary>
    public ClientIdentity? Resolve(HttpRequest request)
    {
        if (!_keys.IsEnabled)
        {
            return ClientIdentity.Open;
        }

        var keyHeader = Single(request.Headers[GenieHiveHeaders.ApiKey]);
        var authorization = Single(request.Headers[HeaderNames.Authorization]);
        if (_keys.Accepts(keyHeader, authorization))
        {
            return ClientIdentity.Configured;
        }

        var named = _named;
        if (named.Count == 0)
        {
            return null;
        }

        return named.Resolve(ApiKeys.FromKeyHeader(keyHeader)) ?? named.Resolve(ApiKeys.FromAuthorization(authorization));
    }

    private static string? Single(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 1 ? values[0] : null;
}
