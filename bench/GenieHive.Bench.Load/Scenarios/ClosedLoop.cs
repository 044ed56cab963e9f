using System.Diagnostics;
using System.Net;
using GenieHive.Bench.Load.Stats;

namespace GenieHive.Bench.Load.Scenarios;

/// <summary>
/// Closed-loop load: <c>concurrency</c> clients, each on its own keep-alive connection, each sending its next
/// request as soon as the previous response has fully arrived.
/// </summary>
internal static class ClosedLoop
{
    /// <summary>
    /// Runs until <paramref name="stopAt"/> (a <see cref="Stopwatch"/> timestamp) or until <paramref name="maxRequests"/>
    /// measured requests, after <paramref name="warmupRequests"/> unmeasured ones per client. A request is measured
    /// when it starts at or after <paramref name="measureFrom"/> and ends by <paramref name="stopAt"/>.
    /// </summary>
    public static async Task<LoadResult> RunAsync(
        Target target,
        int concurrency,
        long measureFrom,
        long stopAt,
        int maxRequests,
        int warmupRequests,
        CancellationToken cancellationToken)
    {
        var remaining = maxRequests;
        var clients = new PathClient[concurrency];
        var workers = new Task[concurrency];
        try
        {
            for (var i = 0; i < concurrency; i++)
            {
                var client = clients[i] = new PathClient(target);
                workers[i] = Task.Run(() => WorkerAsync(client, measureFrom, stopAt, warmupRequests, () => Interlocked.Decrement(ref remaining) >= 0, cancellationToken), cancellationToken);
            }

            await Task.WhenAll(workers);
            return PathClient.Merge(clients);
        }
        finally
        {
            foreach (var client in clients)
            {
                client?.Dispose();
            }
        }
    }

    private static async Task WorkerAsync(PathClient client, long measureFrom, long stopAt, int warmupRequests, Func<bool> takeOne, CancellationToken cancellationToken)
    {
        var warmup = warmupRequests;
        while (Stopwatch.GetTimestamp() < stopAt)
        {
            var measuring = warmup <= 0 && Stopwatch.GetTimestamp() >= measureFrom;
            if (measuring && !takeOne())
            {
                break;
            }

            if (!measuring)
            {
                warmup--;
            }

            if (!await client.SendAsync(measuring, stopAt, cancellationToken))
            {
                break;
            }
        }
    }
}

/// <summary>Where to send what: one of the three compared paths, with its pre-encoded request.</summary>
internal sealed record Target(string Name, IPEndPoint EndPoint, byte[] Request, bool Streaming);

/// <summary>What a closed-loop run measured (<see cref="WindowSeconds"/>: first measured start to last measured end).</summary>
internal sealed record LoadResult(LatencySamples Latency, LatencySamples FirstContent, int Errors, int MissingContent, string? FirstError, double WindowSeconds)
{
    public int Completed => Latency.Count;
}
