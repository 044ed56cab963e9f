namespace GenieHive.Control.Auth;

/// <summary>Keys that callers must present (<c>GenieHive:Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string SectionName = "GenieHive:Auth";

    /// <summary>
    /// Keys accepted on <c>/v1/cluster/*</c>, as <c>X-Api-Key</c> or <c>Authorization: Bearer</c>.
    /// Empty (the default) turns client auth off, which Control logs loudly at start-up.
    /// </summary>
    public string[] ClientApiKeys { get; set; } = [];

    /// <summary>
    /// Keys accepted on <c>/v1/nodes/*</c>, as <c>X-GenieHive-Node-Key</c>.
    /// Empty (the default) turns node auth off, which Control logs loudly at start-up.
    /// </summary>
    public string[] NodeApiKeys { get; set; } = [];

    /// <summary>
    /// The secret named keys are hashed under (HMAC-SHA-256; at least 32 characters). Unset (the default): Control
    /// generates one on first start and keeps it in its database. Changing it invalidates every named key.
    /// </summary>
    public string? KeyHashSecret { get; set; }
}
