namespace GenieHive.Control;

/// <summary>GenieHive's wire carries time as Unix seconds (a double, millisecond precision).</summary>
public static class TimeProviderExtensions
{
    /// <summary>The current time as Unix seconds.</summary>
    public static double UnixSeconds(this TimeProvider time) => time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
}
