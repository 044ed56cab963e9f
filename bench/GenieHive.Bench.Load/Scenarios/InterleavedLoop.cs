using System.Diagnostics;

namespace GenieHive.Bench.Load.Scenarios;

/// <summary>
/// The paths taken in turn, request by request: each client sends one request to each target (in an order rotated
/// every cycle, so no path always follows the same one), then starts the next cycle. A burst of background work on
/// the machine then lands on all paths alike instead of on whichever path's block it fell in; a comparison of tail
/// percentiles needs that more than anything else here.
/// </summary>
internal static class InterleavedLoop
{
    /// <summary>
    /// Runs until <paramref name="stopAt"/> (a <see cref="Stopwatch"/> timestamp) with <paramref name="concurrency"/>
    /// clients, after <paramref name="warmupCycles"/> unmeasured cycles per client; the results are by target name.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, LoadResult>> RunAsync(
        IReadOnlyList<Target> targets,
        int concurrency,
        long stopAt,
        int warmupCycles,
        CancellationToken cancellationToken)
    {
        var clients = new PathClient[concurrency][];
        try
        {
            var workers = new Task[concurrency];
            for (var i = 0; i < concurrency; i++)
            {
                var own = clients[i] = [.. targets.Select(t => new PathClient(t))];
                workers[i] = Task.Run(() => WorkerAsync(own, stopAt, warmupCycles, cancellationToken), cancellationToken);
            }

            await Task.WhenAll(workers);
            return targets.Select((target, index) => (target.Name, Result: PathClient.Merge([.. clients.Select(c => c[index])])))
                .ToDictionary(x => x.Name, x => x.Result, StringComparer.Ordinal);
        }
        finally
        {
            foreach (var client in clients.Where(c => c is not null).SelectMany(c => c))
            {
                client.Dispose();
            }
        }
    }

    private static async Task WorkerAsync(PathClient[] paths, long stopAt, int warmupCycles, CancellationToken cancellationToken)
    {
        for (var cycle = 0; Stopwatch.GetTimestamp() < stopAt; cycle++)
        {
            var measuring = cycle >= warmupCycles;
            foreach (var path in Comparison.Rotate(paths, cycle))
            {
                if (!await path.SendAsync(measuring, stopAt, cancellationToken))
                {
                    return;
                }
            }
        }
    }
}
