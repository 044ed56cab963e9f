using System.Globalization;
using System.Text.Json.Nodes;
using GenieHive.Contracts;

namespace GenieHive.Cli.Rendering;

/// <summary>How figures are shown: invariant culture, a dash for "unknown", times in UTC.</summary>
public static class Show
{
    public const string None = "-";

    public static string Number(double? value, string format = "0.##") =>
        value is { } number && double.IsFinite(number) ? number.ToString(format, CultureInfo.InvariantCulture) : None;

    public static string Integer(long? value) => value is { } number ? number.ToString(CultureInfo.InvariantCulture) : None;

    public static string Score(double? value) => Number(value, "0.0000");

    public static string Milliseconds(double? value) => Number(value, "0");

    public static string Percent(double? fraction) => fraction is { } f && double.IsFinite(f) ? (f * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : None;

    public static string Flag(bool value) => value ? "yes" : "no";

    /// <summary>Unix seconds as <c>2026-03-01 12:00:05</c> (UTC).</summary>
    public static string Time(double? unixSeconds) =>
        unixSeconds is { } seconds && double.IsFinite(seconds)
            ? UnixTime.FromUnixSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : None;

    /// <summary>A duration between two Unix times (<c>8.4 s</c>, <c>3 m 05 s</c>), or a dash.</summary>
    public static string Duration(double? from, double? to)
    {
        if (from is not { } start || to is not { } end || end < start)
        {
            return None;
        }

        var seconds = end - start;
        return seconds < 60
            ? seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
            : string.Create(CultureInfo.InvariantCulture, $"{(int)(seconds / 60)} m {(int)(seconds % 60):00} s");
    }

    /// <summary>How long ago (<c>3 s ago</c>, <c>2 m ago</c>, <c>5 h ago</c>).</summary>
    public static string Ago(double unixSeconds, DateTimeOffset now)
    {
        var seconds = Math.Max(0, now.ToUnixSeconds() - unixSeconds);
        return seconds switch
        {
            < 90 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s ago"),
            < 5400 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0} m ago"),
            < 172_800 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0} h ago"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 86_400:0} d ago"),
        };
    }

    /// <summary>A number from a results object (<c>pass_rate</c>, <c>p50_latency_ms</c>...), or null.</summary>
    public static double? Result(JsonObject? results, string key) =>
        results is not null && results.TryGetPropertyValue(key, out var node) && node is JsonValue value && value.TryGetValue<double>(out var number)
            ? number
            : null;
}
