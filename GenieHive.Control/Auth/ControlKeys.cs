using GenieHive.Contracts.Auth;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Auth;

/// <summary>The two separate powers: client keys (operator API) and node keys (node API), compared as the facade compares them.</summary>
public sealed class ControlKeys(IOptions<AuthOptions> options)
{
    public ApiKeySet Client { get; } = new(options.Value.ClientApiKeys);

    public ApiKeySet Node { get; } = new(options.Value.NodeApiKeys);
}
