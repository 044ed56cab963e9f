namespace GenieHive.Facade.Observations;

/// <summary>Why the facade put a service into cooldown (reported to Control).</summary>
public static class CooldownReasons
{
    public const string ConnectFailed = "connect_failed";
    public const string Timeout = "first_byte_timeout";
    public const string ServerError = "upstream_5xx";
    public const string RateLimited = "rate_limited";
}
