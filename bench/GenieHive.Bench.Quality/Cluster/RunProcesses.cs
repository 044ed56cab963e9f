using System.Globalization;
using GenieHive.Bench.Load.Cluster;

namespace GenieHive.Bench.Quality.Cluster;

/// <summary>
/// The services a run has started and not stopped yet, each a <see cref="ManagedProcess"/> logging to its own file;
/// their pids are kept in the run's pids file, which bench/harness.sh reads to stop leftovers if the harness is killed.
/// </summary>
internal sealed class RunProcesses(string pidsFile)
{
    private readonly Lock _gate = new();
    private readonly List<ManagedProcess> _alive = [];

    /// <summary>The processes running now (to notice one that exits during start-up).</summary>
    public IReadOnlyList<ManagedProcess> Alive
    {
        get
        {
            lock (_gate)
            {
                return [.. _alive];
            }
        }
    }

    /// <summary>Starts <c>dotnet <paramref name="dll"/> args</c> with a clean environment, its output to <paramref name="logPath"/>.</summary>
    public ManagedProcess Start(string name, string dll, IEnumerable<string> args, string logPath)
    {
        var process = ManagedProcess.Start(name, dll, args, new Dictionary<string, string?>(), logPath);
        lock (_gate)
        {
            _alive.Add(process);
            WritePids();
        }

        return process;
    }

    /// <summary>Stops a process (and its tree).</summary>
    public void Stop(ManagedProcess process)
    {
        process.Dispose();
        lock (_gate)
        {
            _alive.Remove(process);
            WritePids();
        }
    }

    private void WritePids() => File.WriteAllLines(pidsFile, _alive.Select(p => p.Id.ToString(CultureInfo.InvariantCulture)));
}
