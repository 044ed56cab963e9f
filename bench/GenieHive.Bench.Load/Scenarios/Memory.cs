using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using GenieHive.Bench.Load.Cluster;
using GenieHive.Bench.Load.Http;
using GenieHive.Bench.Load.Report;

namespace GenieHive.Bench.Load.Scenarios;

/// <summary>
/// The facade's memory idle, and while it relays many slow streams at once (the simulator at 5 tokens per second),
/// as RSS (<c>/proc/&lt;pid&gt;/status</c> VmRSS) and the GC's own heap figures.
/// </summary>
internal static class Memory
{
    public static Task<MemoryReading> ReadAsync(BenchCluster cluster, CancellationToken cancellationToken) =>
        ReadAsync(cluster.FacadeProcess, cluster.FacadeProbePort, cancellationToken);

    public static async Task<MemoryReading> ReadAsync(ManagedProcess process, int probePort, CancellationToken cancellationToken)
    {
        var probe = await ProbeClient.ReadAsync(probePort, cancellationToken);
        return new MemoryReading(process.RssBytes(), probe.GcHeapBytes, probe.GcCommittedBytes, probe.Threads, probe.ServerGc);
    }

    /// <summary>Opens <paramref name="streams"/> streams through the facade, holds them while sampling, then drops them.</summary>
    public static async Task RunStreamsAsync(BenchCluster cluster, MemoryResult result, int streams, double holdSeconds, string extraHeaderLines, Action<string> log, CancellationToken cancellationToken)
    {
        // Long enough to outlast ramp-up and sampling: 5 tokens per second.
        var tokens = (int)Math.Ceiling((holdSeconds + 40) * 5);
        var request = RequestBytes.PostJson(cluster.Facade, "/v1/chat/completions", BenchCluster.ClientKey,
            "{\"model\":\"" + BenchCluster.SlowModel + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a long story about a hive of bees.\"}],\"stream\":true,\"max_tokens\":" + tokens.ToString(CultureInfo.InvariantCulture) + "}", extraHeaderLines);

        result.StreamsRequested = streams;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var open = 0;
        var failed = 0;
        string? firstError = null;
        var tasks = new List<Task>(streams);
        for (var i = 0; i < streams; i++)
        {
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    using var connection = await HttpConnection.OpenAsync(cluster.Facade, stop.Token);
                    await connection.SendAsync(request, watchFirstContent: true, stop.Token, () => Interlocked.Increment(ref open));
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or InvalidDataException)
                {
                    if (!stop.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref failed);
                        Interlocked.CompareExchange(ref firstError, ex.GetType().Name + ": " + ex.Message, null);
                    }
                }
            }, stop.Token));

            // Ramp up in batches: a burst of hundreds of connects at once only measures the accept backlog.
            if (i % 50 == 49)
            {
                await Task.Delay(20, cancellationToken);
            }
        }

        var deadline = Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency;
        while (Volatile.Read(ref open) + Volatile.Read(ref failed) < streams && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(100, cancellationToken);
        }

        result.StreamsOpen = Volatile.Read(ref open);
        log(string.Create(CultureInfo.InvariantCulture, $"  {result.StreamsOpen}/{streams} streams open ({failed} failed)"));
        if (firstError is not null || result.StreamsOpen < streams)
        {
            result.Problem = string.Create(CultureInfo.InvariantCulture, $"{result.StreamsOpen} of {streams} streams open, {failed} failed: {firstError}");
        }

        MemoryReading? peak = null;
        var until = Stopwatch.GetTimestamp() + (long)(holdSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            var reading = await ReadAsync(cluster, cancellationToken);
            peak = peak is null ? reading : new MemoryReading(
                Math.Max(peak.RssBytes, reading.RssBytes),
                Math.Max(peak.GcHeapBytes, reading.GcHeapBytes),
                Math.Max(peak.GcCommittedBytes, reading.GcCommittedBytes),
                Math.Max(peak.Threads, reading.Threads),
                reading.ServerGc);
            await Task.Delay(250, cancellationToken);
        }

        result.UnderStreams = peak;
        await stop.CancelAsync();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);

        // Give the facade a moment to notice the disconnects and release the upstream requests.
        await Task.Delay(2000, cancellationToken);
        result.AfterStreams = await ReadAsync(cluster, cancellationToken);
    }
}
