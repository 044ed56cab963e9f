namespace GenieHive.Bench.Load.Cluster;

/// <summary>
/// Waiting for the services a harness started to be ready: polls a check until it holds, and fails at once, with the
/// tail of its log, when one of the processes has exited instead. Shared with the routing-quality harness
/// (bench/GenieHive.Bench.Quality links this file).
/// </summary>
internal static class ServiceReadiness
{
    /// <summary>
    /// Polls <paramref name="check"/> every <paramref name="interval"/> until it returns true; HTTP failures and
    /// timeouts count as not ready yet. Throws when <paramref name="deadline"/> passes or a process exits.
    /// </summary>
    public static async Task PollAsync(
        string what,
        DateTime deadline,
        IReadOnlyList<ManagedProcess> processes,
        Func<string, string> logPath,
        Func<Task<bool>> check,
        TimeSpan interval,
        CancellationToken cancellationToken)
    {
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (processes.FirstOrDefault(p => p.HasExited) is { } dead)
            {
                dead.Dispose();
                var log = logPath(dead.Name);
                var tail = string.Join(Environment.NewLine, File.ReadLines(log).TakeLast(15));
                throw new InvalidOperationException(dead.Name + " exited during start-up; see " + log + Environment.NewLine + tail);
            }

            try
            {
                if (await check())
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = ex;
            }

            await Task.Delay(interval, cancellationToken);
        }

        throw new TimeoutException("Not ready in time: " + what + (last is null ? "" : " (" + last.Message + ")"));
    }
}
