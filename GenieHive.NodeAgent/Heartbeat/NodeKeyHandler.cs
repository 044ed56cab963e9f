using GenieHive.Contracts;
using GenieHive.NodeAgent.Configuration;
using Microsoft.Extensions.Options;

namespace GenieHive.NodeAgent.Heartbeat;

/// <summary>Adds <c>X-GenieHive-Node-Key</c> to every call to Control, so the key never appears at call sites or in logs.</summary>
internal sealed class NodeKeyHandler(IOptionsMonitor<NodeOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var key = options.CurrentValue.NodeApiKey;
        if (!string.IsNullOrEmpty(key))
        {
            request.Headers.Remove(GenieHiveHeaders.NodeKey);
            request.Headers.TryAddWithoutValidation(GenieHiveHeaders.NodeKey, key);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
