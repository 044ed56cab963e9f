using System.Diagnostics;

namespace GenieHive.Facade.Routing;

/// <summary>
/// The loop both of the facade's watches on Control run (the routing table, the key table): one long poll after
/// another, each in its own background tick (traced only when it changes something or fails); after any failure
/// or refusal a growing backoff and then a whole-table poll, since a restarted Control or another replica counts
/// versions in another history. What one poll asks and applies is the watcher's own.
/// </summary>
internal static class ControlWatchLoop
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    /// <summary>A poll: <c>resync</c> true asks for the whole table; returns true when it went well.</summary>
    public delegate Task<bool> Poll(bool resync, Activity? tick, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="poll"/> until <paramref name="stoppingToken"/> stops the service; <paramref name="unreachable"/> logs a poll that threw.</summary>
    public static async Task RunAsync(string tickName, Poll poll, Action<Exception> unreachable, TimeProvider time, CancellationToken stoppingToken)
    {
        var resync = true;
        var backoff = MinBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            bool ok;
            using (var tick = BackgroundTraces.StartTick(FacadeTelemetry.ActivitySource, tickName))
            {
                try
                {
                    ok = await poll(resync, tick, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    unreachable(ex);
                    BackgroundTraces.Fail(tick, "Control unreachable: " + ex.GetType().Name);
                    ok = false;
                }
            }

            if (ok)
            {
                resync = false;
                backoff = MinBackoff;
                continue;
            }

            resync = true;
            try
            {
                await Task.Delay(backoff, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }
}
