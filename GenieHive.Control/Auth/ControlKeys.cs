using GenieHive.Contracts;
using GenieHive.Contracts.Auth;
using GenieHive.Control.Keys;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace GenieHive.Control.Auth;

/// <summary>
/// The two separate powers: client keys (operator and admin API: configured keys with every scope, and the named keys
/// of <see cref="KeyRegistry"/>) and node keys (node API), compared as the facade compares them.
/// </summary>
public sealed class ControlKeys(IOptions<AuthOptions> options, KeyRegistry named)
{
    public ApiKeySet Client { get; } = new(options.Value.ClientApiKeys);

    public ApiKeySet Node { get; } = new(options.Value.NodeApiKeys);

    /// <summary>
    /// Who the request's client key says the caller is: <see cref="ClientIdentity.Open"/> when client auth is off (no
    /// configured key; named keys then have nothing to add), <see cref="ClientIdentity.Configured"/> for a configured
    /// key, the named key it is, or null for no valid key.
    /// </summary>
    public ClientIdentity? ResolveClient(HttpRequest request)
    {
        if (!Client.IsEnabled)
        {
            return ClientIdentity.Open;
        }

        var keyHeader = Single(request.Headers[GenieHiveHeaders.ApiKey]);
        var authorization = Single(request.Headers.Authorization);
        if (Client.Accepts(keyHeader, authorization))
        {
            return ClientIdentity.Configured;
        }

        var directory = named.Directory;
        return directory.Resolve(ApiKeys.FromKeyHeader(keyHeader)) ?? directory.Resolve(ApiKeys.FromAuthorization(authorization));
    }

    /// <summary>A header sent once; a repeated header carries no key (which of them would be meant?).</summary>
    internal static string? Single(StringValues values) => values.Count == 1 ? values[0] : null;
}
