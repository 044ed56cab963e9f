using GenieHive.Contracts;
using GenieHive.Facade.Auth;

namespace GenieHive.Facade.Cluster;

/// <summary>Presents the facade's client key to Control on every call (Control and the facade share client keys).</summary>
internal sealed class ControlKeyHandler(ClientKeys keys) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (keys.KeyForControl is { } key)
        {
            request.Headers.Remove(GenieHiveHeaders.ApiKey);
            request.Headers.TryAddWithoutValidation(GenieHiveHeaders.ApiKey, key);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
