using System.Diagnostics;
using System.Globalization;

namespace GenieHive.Tests.Testing;

/// <summary>
/// The one way tests wait for background state (heartbeats, sweeps, routing tables, a simulator's counters): poll a
/// condition every <see cref="Interval"/> until it holds, and fail, saying what was awaited and the last error, when
/// it does not within the timeout. Never sleep a fixed time and hope.
/// </summary>
/// <remarks>
/// Timeouts are written for a quiet developer machine and multiplied by <see cref="Scale"/>: the environment variable
/// <c>GENIEHIVE_TEST_TIMEOUT_SCALE</c> (a number, at least 1; <c>.ci/run</c> sets it, since CI runs the whole suite on
/// two busy cores). A wait never ends silently: a timed-out wait is a failed test.
/// </remarks>
public static class Eventually
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>How much longer than written every timeout is here (<c>GENIEHIVE_TEST_TIMEOUT_SCALE</c>, default 1).</summary>
    public static double Scale { get; } = ReadScale(Environment.GetEnvironmentVariable("GENIEHIVE_TEST_TIMEOUT_SCALE"));

    /// <summary><paramref name="seconds"/> as written for a quiet machine, scaled for this one.</summary>
    public static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds * Scale);

    /// <summary>
    /// Polls until <paramref name="condition"/> holds; returns how long that took; fails after <paramref name="timeout"/>
    /// (scaled), adding <paramref name="diagnostics"/> (recent logs, the last state seen) to the message.
    /// </summary>
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        var limit = timeout * Scale;
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return clock.Elapsed;
                }

                last = null;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or InvalidOperationException
                && !TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                // The thing polled may be starting or restarting; keep the reason for the failure message.
                last = ex;
            }

            if (clock.Elapsed > limit)
            {
                Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"Timed out after {limit.TotalSeconds:F1} s waiting for {what}.")
                    + (last is null ? "" : $"\nLast error: {last.GetType().Name}: {last.Message}")
                    + (diagnostics is null ? "" : "\n" + diagnostics()));
            }

            await Task.Delay(Interval, TestContext.Current.CancellationToken);
        }
    }

    /// <inheritdoc cref="UntilAsync(Func{Task{bool}}, string, TimeSpan, Func{string}?)"/>
    public static Task<TimeSpan> UntilAsync(Func<bool> condition, string what, TimeSpan timeout, Func<string>? diagnostics = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout, diagnostics);

    /// <summary>Probes until <paramref name="condition"/> holds for the probed value and returns that value; fails after <paramref name="timeout"/> (scaled), showing the last value.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, string what, TimeSpan timeout)
    {
        T value = default!;
        var seen = false;
        await UntilAsync(async () =>
        {
            value = await probe();
            seen = true;
            return condition(value);
        }, what, timeout, () => seen ? "Last value: " + Describe(value) : "No value was probed.");
        return value;
    }

    /// <summary>True when <paramref name="condition"/> holds within <paramref name="timeout"/> (unscaled: callers that step fake time use it per step); never fails.</summary>
    public static async Task<bool> WithinAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(Interval, TestContext.Current.CancellationToken);
        }

        return true;
    }

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        System.Text.Json.Nodes.JsonNode node => node.ToJsonString(),
        System.Text.Json.JsonElement element => element.GetRawText(),
        string or ValueType => value.ToString() ?? "",
        _ => AsJson(value),
    };

    // Records and lists of records read best as JSON; anything that cannot be written so shows its ToString.
    private static string AsJson(object value)
    {
        try
        {
            var json = System.Text.Json.JsonSerializer.Serialize(value, value.GetType());
            return json.Length <= 4000 ? json : json[..4000] + "...";
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException)
        {
            return value.ToString() ?? "";
        }
    }

    private static double ReadScale(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var scale) && scale >= 1 ? Math.Min(scale, 10) : 1;
}
