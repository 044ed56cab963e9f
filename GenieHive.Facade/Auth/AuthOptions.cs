namespace GenieHive.Facade.Auth;

/// <summary>Client authentication (<c>GenieHive:Auth</c>), shared with Control.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "GenieHive:Auth";

    /// <summary>
    /// Keys accepted on every <c>/v1/*</c> endpoint, as <c>X-Api-Key</c> or <c>Authorization: Bearer</c>.
    /// Empty (the default) turns client auth off, which the facade announces loudly at start-up.
    /// The first key is also the one the facade presents to Control.
    /// </summary>
    public string[] ClientApiKeys { get; set; } = [];
}
