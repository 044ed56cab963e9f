namespace GenieHive.Contracts;

/// <summary>
/// GenieHive's wire and storage carry time as Unix seconds: a double with millisecond precision. Every conversion
/// goes through here, so a timestamp written by one service reads the same in another.
/// </summary>
public static class UnixTime
{
    /// <summary>The current time as Unix seconds.</summary>
    public static double UnixSeconds(this TimeProvider time) => ToUnixSeconds(time.GetUtcNow());

    /// <summary><paramref name="instant"/> as Unix seconds (millisecond precision).</summary>
    public static double ToUnixSeconds(this DateTimeOffset instant) => instant.ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>The instant of <paramref name="unixSeconds"/>, to the millisecond.</summary>
    public static DateTimeOffset FromUnixSeconds(double unixSeconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(unixSeconds * 1000, MidpointRounding.AwayFromZero));
}
