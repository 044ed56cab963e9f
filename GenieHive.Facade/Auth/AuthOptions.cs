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

    /// <summary>
    /// Invalid keys one client address may send in a minute before the facade answers it 429 until the minute is over
    /// (default 20; 0 turns the throttle off). Only that address is held back.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0, 1_000_000)]
    public int InvalidKeysPerMinute { get; set; } = 20;
}
