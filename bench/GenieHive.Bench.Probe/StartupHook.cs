using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

// The runtime finds a startup hook by this exact shape: a type named StartupHook in no namespace with a public static
// Initialize(). It runs before the host's Main.
#pragma warning disable CA1050, IDE0130

/// <summary>
/// Answers one line of JSON with the process's allocation and memory counters to every TCP connection on
/// 127.0.0.1:<c>GENIEHIVE_BENCH_PROBE_PORT</c>, then closes it. Without that variable it does nothing. With
/// <c>GENIEHIVE_BENCH_PROBE_COUNTERS</c> (instrument names, comma-separated) it also totals those counters since start,
/// per instrument and tag values (<c>"name|value,value"</c>), under <c>counters</c>: how the soak reads, for example,
/// the facade's routing-watch bytes without an exporter in the service.
/// </summary>
public static class StartupHook
{
    private static readonly ConcurrentDictionary<string, long> Totals = new(StringComparer.Ordinal);

    // Kept alive for the process's life: a collected listener stops listening.
    private static MeterListener? _listener;

    /// <summary>Called by the runtime before Main.</summary>
    public static void Initialize()
    {
        var value = Environment.GetEnvironmentVariable("GENIEHIVE_BENCH_PROBE_PORT");
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port <= 0)
        {
            return;
        }

        ListenToCounters(Environment.GetEnvironmentVariable("GENIEHIVE_BENCH_PROBE_COUNTERS"));
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();

        // A plain thread, not the thread pool: a query must not queue behind the load being measured.
        var thread = new Thread(() => Serve(listener)) { IsBackground = true, Name = "bench-probe" };
        thread.Start();
    }

    private static void ListenToCounters(string? names)
    {
        var wanted = (names ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            return;
        }

        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (wanted.Contains(instrument.Name) && instrument is Counter<long>)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>(static (instrument, value, tags, _) =>
        {
            var key = instrument.Name + "|";
            for (var i = 0; i < tags.Length; i++)
            {
                key += (i > 0 ? "," : "") + tags[i].Value;
            }

            Totals.AddOrUpdate(key, value, (_, total) => total + value);
        });
        _listener.Start();
    }

    private static string Counters() =>
        "{" + string.Join(",", Totals.Select(static pair => "\"" + pair.Key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\":" + pair.Value.ToString(CultureInfo.InvariantCulture))) + "}";

    private static void Serve(TcpListener listener)
    {
        while (true)
        {
            using var client = listener.AcceptTcpClient();
            var bytes = Encoding.ASCII.GetBytes(Snapshot() + "\n");
            client.GetStream().Write(bytes);
        }
    }

    private static string Snapshot()
    {
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        return string.Create(CultureInfo.InvariantCulture, $$"""
            {"allocated_bytes":{{GC.GetTotalAllocatedBytes(precise: true)}},"gc_heap_bytes":{{GC.GetTotalMemory(forceFullCollection: false)}},"gc_committed_bytes":{{info.TotalCommittedBytes}},"gc_heap_after_last_gc_bytes":{{info.HeapSizeBytes}},"gen0":{{GC.CollectionCount(0)}},"gen1":{{GC.CollectionCount(1)}},"gen2":{{GC.CollectionCount(2)}},"gc_pause_ms":{{GC.GetTotalPauseDuration().TotalMilliseconds}},"server_gc":{{(System.Runtime.GCSettings.IsServerGC ? "true" : "false")}},"threads":{{System.Diagnostics.Process.GetCurrentProcess().Threads.Count}},"thread_pool_threads":{{ThreadPool.ThreadCount}},"working_set_bytes":{{Environment.WorkingSet}},"jit_methods":{{System.Runtime.JitInfo.GetCompiledMethodCount()}},"jit_ms":{{System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds}},"counters":{{Counters()}}}
            """);
    }
}
