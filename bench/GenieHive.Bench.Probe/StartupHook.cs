using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

// The runtime finds a startup hook by this exact shape: a type named StartupHook in no namespace with a public static
// Initialize(). It runs before the host's Main.
#pragma warning disable CA1050, IDE0130

/// <summary>
/// Answers one line of JSON with the process's allocation and memory counters to every TCP connection on
/// 127.0.0.1:<c>GENIEHIVE_BENCH_PROBE_PORT</c>, then closes it. Without that variable it does nothing.
/// </summary>
public static class StartupHook
{
    /// <summary>Called by the runtime before Main.</summary>
    public static void Initialize()
    {
        var value = Environment.GetEnvironmentVariable("GENIEHIVE_BENCH_PROBE_PORT");
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port <= 0)
        {
            return;
        }

        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();

        // A plain thread, not the thread pool: a query must not queue behind the load being measured.
        var thread = new Thread(() => Serve(listener)) { IsBackground = true, Name = "bench-probe" };
        thread.Start();
    }

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
            {"allocated_bytes":{{GC.GetTotalAllocatedBytes(precise: true)}},"gc_heap_bytes":{{GC.GetTotalMemory(forceFullCollection: false)}},"gc_committed_bytes":{{info.TotalCommittedBytes}},"gc_heap_after_last_gc_bytes":{{info.HeapSizeBytes}},"gen0":{{GC.CollectionCount(0)}},"gen1":{{GC.CollectionCount(1)}},"gen2":{{GC.CollectionCount(2)}},"gc_pause_ms":{{GC.GetTotalPauseDuration().TotalMilliseconds}},"server_gc":{{(System.Runtime.GCSettings.IsServerGC ? "true" : "false")}},"threads":{{System.Diagnostics.Process.GetCurrentProcess().Threads.Count}},"thread_pool_threads":{{ThreadPool.ThreadCount}},"working_set_bytes":{{Environment.WorkingSet}},"jit_methods":{{System.Runtime.JitInfo.GetCompiledMethodCount()}},"jit_ms":{{System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds}}}
            """);
    }
}
