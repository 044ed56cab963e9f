using System.Globalization;
using System.Text.Json;
using GenieHive.Bench.Soak.Cluster;

namespace GenieHive.Bench.Soak.Memory;

/// <summary>
/// One memory sample of a process: RSS and thread count from <c>/proc/&lt;pid&gt;/status</c>, and, when the process
/// carries the in-process probe, its GC heap (<c>GC.GetTotalMemory(false)</c>), the heap size at the last GC and the
/// memory the GC has committed.
/// </summary>
internal sealed record ProcessSample(
    double At,
    long RssBytes,
    int Threads,
    long? GcHeapBytes,
    long? GcHeapAfterLastGcBytes,
    long? GcCommittedBytes,
    long? Gen2Collections);

/// <summary>Samples one process's memory over the run.</summary>
internal sealed class ProcessWatch(string name, int pid, int probePort)
{
    private readonly List<ProcessSample> _samples = [];

    public string Name { get; } = name;

    public int Pid { get; } = pid;

    public bool HasProbe => probePort > 0;

    public IReadOnlyList<ProcessSample> Samples => _samples;

    /// <summary>True while <c>/proc/&lt;pid&gt;</c> exists and the process is not a zombie.</summary>
    public bool IsAlive => ReadStatus() is { } status && !status.State.StartsWith('Z');

    public async Task SampleAsync(double at, CancellationToken cancellationToken)
    {
        if (ReadStatus() is not { } status)
        {
            return;
        }

        JsonElement? probe = probePort > 0 ? await ProbeReader.ReadAsync(probePort, cancellationToken) : null;
        _samples.Add(new ProcessSample(
            Math.Round(at, 1),
            status.RssBytes,
            status.Threads,
            Long(probe, "gc_heap_bytes"),
            Long(probe, "gc_heap_after_last_gc_bytes"),
            Long(probe, "gc_committed_bytes"),
            Long(probe, "gen2")));
    }

    private (long RssBytes, int Threads, string State)? ReadStatus()
    {
        try
        {
            long rss = 0;
            var threads = 0;
            var state = "?";
            foreach (var line in File.ReadLines("/proc/" + Pid.ToString(CultureInfo.InvariantCulture) + "/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = int.Parse(line["Threads:".Length..].Trim(), CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("State:", StringComparison.Ordinal))
                {
                    state = line["State:".Length..].Trim();
                }
            }

            return (rss, threads, state);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long? Long(JsonElement? element, string property) =>
        element is { } e && e.TryGetProperty(property, out var value) && value.TryGetInt64(out var number) ? number : null;
}
