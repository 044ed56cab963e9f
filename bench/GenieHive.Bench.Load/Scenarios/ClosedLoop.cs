using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using GenieHive.Bench.Load.Http;
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
        var workers = new Task<WorkerResult>[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            workers[i] = Task.Run(() => WorkerAsync(target, measureFrom, stopAt, warmupRequests, () => Interlocked.Decrement(ref remaining) >= 0, cancellationToken), cancellationToken);
        }

        var results = await Task.WhenAll(workers);
        var latency = new LatencySamples(results.Sum(r => r.Latency.Count));
        var firstContent = new LatencySamples(results.Sum(r => r.FirstContent.Count));
        long firstStart = long.MaxValue, lastEnd = long.MinValue;
        foreach (var result in results)
        {
            latency.AddRange(result.Latency);
            firstContent.AddRange(result.FirstContent);
            firstStart = Math.Min(firstStart, result.FirstStart);
            lastEnd = Math.Max(lastEnd, result.LastEnd);
        }

        return new LoadResult(
            latency,
            firstContent,
            results.Sum(r => r.Errors),
            results.Sum(r => r.MissingContent),
            results.Select(r => r.FirstError).FirstOrDefault(e => e is not null),
            firstStart == long.MaxValue ? 0 : (lastEnd - firstStart) / (double)Stopwatch.Frequency);
    }

    private static async Task<WorkerResult> WorkerAsync(Target target, long measureFrom, long stopAt, int warmupRequests, Func<bool> takeOne, CancellationToken cancellationToken)
    {
        var result = new WorkerResult();
        HttpConnection? connection = null;
        try
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

                try
                {
                    connection ??= await HttpConnection.OpenAsync(target.EndPoint, cancellationToken);
                    var exchange = await connection.SendAsync(target.Request, target.Streaming, cancellationToken);
                    if (!exchange.KeepAlive)
                    {
                        connection.Dispose();
                        connection = null;
                    }

                    if (!measuring)
                    {
                        continue;
                    }

                    if (exchange.Ended > stopAt)
                    {
                        break;
                    }

                    if (exchange.Status != 200)
                    {
                        result.Errors++;
                        result.FirstError ??= "HTTP " + exchange.Status.ToString(System.Globalization.CultureInfo.InvariantCulture) + " from " + target.Name;
                        continue;
                    }

                    result.Latency.AddTicks(exchange.ElapsedTicks);
                    if (target.Streaming)
                    {
                        if (exchange.FirstContentAt == 0)
                        {
                            result.MissingContent++;
                        }
                        else
                        {
                            result.FirstContent.AddTicks(exchange.FirstContentTicks);
                        }
                    }

                    result.FirstStart = Math.Min(result.FirstStart, exchange.Started);
                    result.LastEnd = Math.Max(result.LastEnd, exchange.Ended);
                }
                catch (Exception ex) when (ex is IOException or SocketException or InvalidDataException)
                {
                    result.Errors++;
                    result.FirstError ??= ex.GetType().Name + " from " + target.Name + ": " + ex.Message;
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }

        return result;
    }

    private sealed class WorkerResult
    {
        public LatencySamples Latency { get; } = new(1024);
        public LatencySamples FirstContent { get; } = new(64);
        public int Errors { get; set; }
        public int MissingContent { get; set; }
        public string? FirstError { get; set; }
        public long FirstStart { get; set; } = long.MaxValue;
        public long LastEnd { get; set; } = long.MinValue;
    }
}

/// <summary>Where to send what: one of the three compared paths, with its pre-encoded request.</summary>
internal sealed record Target(string Name, IPEndPoint EndPoint, byte[] Request, bool Streaming);

/// <summary>What a closed-loop run measured (<see cref="WindowSeconds"/>: first measured start to last measured end).</summary>
internal sealed record LoadResult(LatencySamples Latency, LatencySamples FirstContent, int Errors, int MissingContent, string? FirstError, double WindowSeconds)
{
    public int Completed => Latency.Count;
}
