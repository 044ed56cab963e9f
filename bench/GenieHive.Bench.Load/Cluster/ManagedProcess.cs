using System.Diagnostics;
using System.Globalization;

namespace GenieHive.Bench.Load.Cluster;

/// <summary>
/// A service the harness started (<c>dotnet some.dll --urls ...</c>), its output going to a log file, killed with
/// its process tree on dispose. Reads the process's CPU time and RSS from <c>/proc</c>.
/// </summary>
internal sealed class ManagedProcess : IDisposable
{
    private static readonly double ClockTicksPerSecond = 100; // USER_HZ; 100 on every Linux the harness targets.

    private readonly Process _process;
    private readonly StreamWriter _log;
    private bool _disposed;

    private ManagedProcess(string name, Process process, StreamWriter log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>dotnet <paramref name="dll"/> args</c> with <paramref name="environment"/> added to a clean copy of ours.</summary>
    public static ManagedProcess Start(string name, string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string?> environment, string logPath)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Nothing inherited may change what is measured: no OTLP export, no Aspire wiring, no dev environment.
        foreach (var key in info.Environment.Keys.ToList())
        {
            if (key.StartsWith("OTEL_", StringComparison.Ordinal) || key.StartsWith("ASPNETCORE_", StringComparison.Ordinal)
                || key.StartsWith("DOTNET_", StringComparison.Ordinal) || key.StartsWith("services__", StringComparison.Ordinal)
                || key.StartsWith("GenieHive__", StringComparison.Ordinal) || key.StartsWith("Simulator__", StringComparison.Ordinal))
            {
                info.Environment.Remove(key);
            }
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ManagedProcess(name, process, log);
    }

    /// <summary>User plus system CPU time so far, in seconds.</summary>
    public double CpuSeconds() => ReadCpuSeconds(_process.Id);

    /// <summary>Resident set size (VmRSS), in bytes.</summary>
    public long RssBytes() => ReadRssBytes(_process.Id);

    public static double ReadCpuSeconds(int pid)
    {
        // /proc/<pid>/stat: the command name may contain spaces; fields after its closing parenthesis are plain.
        var stat = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (utime + stime) / ClockTicksPerSecond;
    }

    public static long ReadRssBytes(int pid)
    {
        foreach (var line in File.ReadLines("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            // Without a timeout this also waits for the last of its output to reach the log.
            if (_process.WaitForExit(10_000))
            {
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.BaseStream is { CanWrite: true })
            {
                log.WriteLine(line);
            }
        }
    }
}
