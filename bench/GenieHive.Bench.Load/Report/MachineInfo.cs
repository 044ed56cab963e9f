using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace GenieHive.Bench.Load.Report;

/// <summary>The machine a run measured on: results from different machines are not comparable.</summary>
internal sealed record MachineInfo(
    int Cores,
    string CpuModel,
    long MemoryBytes,
    string Os,
    string Runtime,
    string Sdk,
    string Commit,
    bool Dirty)
{
    public static MachineInfo Collect(string repoRoot)
    {
        var cpu = ReadFirst("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memKb = ReadFirst("/proc/meminfo", "MemTotal")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        var commit = Run("git", ["-C", repoRoot, "rev-parse", "--short=12", "HEAD"]) ?? "unknown";
        var dirty = !string.IsNullOrWhiteSpace(Run("git", ["-C", repoRoot, "status", "--porcelain", "--untracked-files=no"]));
        return new MachineInfo(
            Environment.ProcessorCount,
            cpu,
            memKb is null ? 0 : long.Parse(memKb, CultureInfo.InvariantCulture) * 1024,
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            Run("dotnet", ["--version"]) ?? "unknown",
            commit,
            dirty);
    }

    /// <summary>The 1-, 5- and 15-minute load averages.</summary>
    public static (double One, double Five, double Fifteen) LoadAverage()
    {
        var parts = File.ReadAllText("/proc/loadavg").Split(' ');
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    private static string? ReadFirst(string path, string key)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
            }
        }

        return null;
    }

    private static string? Run(string file, string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit(10_000);
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
