using System.Diagnostics;

namespace GenieHive.Tests.Scenarios.Cluster;

/// <summary>Bounded waits on background state (heartbeats, sweeps, routing tables): poll, never sleep.</summary>
public static class Poll
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>Polls until <paramref name="condition"/> holds; returns how long that took; fails after <paramref name="timeout"/>.</summary>
    public static async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, LogSink? logs = null)
    {
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
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or InvalidOperationException)
            {
                // The thing polled may be restarting; keep the reason for the failure message.
                last = ex;
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:F1} s waiting for {what}."
                    + (last is null ? "" : $"\nLast error: {last.GetType().Name}: {last.Message}")
                    + (logs is null ? "" : "\nRecent warnings:\n" + logs.Tail()));
            }

            await Task.Delay(Interval, TestContext.Current.CancellationToken);
        }
    }
}
