using Microsoft.Extensions.Options;

namespace GenieHive.Control.Auth;

/// <summary>The two separate powers: client keys (operator API) and node keys (node API).</summary>
public sealed class ControlKeys(IOptions<AuthOptions> options)
{
    public KeyRing Client { get; } = new(options.Value.ClientApiKeys);

    public KeyRing Node { get; } = new(options.Value.NodeApiKeys);
}
