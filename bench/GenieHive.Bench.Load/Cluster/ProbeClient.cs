using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace GenieHive.Bench.Load.Cluster;

/// <summary>
/// Reads the counters the startup hook (<c>GenieHive.Bench.Probe</c>) serves from inside a measured process.
/// </summary>
internal static class ProbeClient
{
    public static async Task<ProbeSnapshot> ReadAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        using var reader = new StreamReader(client.GetStream());
        var line = await reader.ReadLineAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken)
            ?? throw new IOException("The probe closed without an answer.");
        return JsonSerializer.Deserialize(line, Report.BenchJsonContext.Default.ProbeSnapshot)
            ?? throw new InvalidDataException("The probe answered null.");
    }
}

/// <summary>One reading of a process's allocation and memory counters (see the probe's <c>StartupHook</c>).</summary>
internal sealed record ProbeSnapshot
{
    public long AllocatedBytes { get; init; }
    public long GcHeapBytes { get; init; }
    public long GcCommittedBytes { get; init; }
    public long GcHeapAfterLastGcBytes { get; init; }
    public int Gen0 { get; init; }
    public int Gen1 { get; init; }
    public int Gen2 { get; init; }
    public double GcPauseMs { get; init; }
    public bool ServerGc { get; init; }
    public int Threads { get; init; }
    public int ThreadPoolThreads { get; init; }
    public long WorkingSetBytes { get; init; }

    /// <summary>Methods compiled by the JIT so far (every tier); steady once tiering has settled.</summary>
    public long JitMethods { get; init; }

    public double JitMs { get; init; }
}
