using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace GenieHive.Tests.Compat;

/// <summary>
/// One real model server process (llama-server or whisper-server) from the directory <c>tools/real-engines/setup.sh</c>
/// prepared, started with <c>tools/real-engines/start.sh</c> and stopped by its pid.
/// </summary>
public static class RealEngineServer
{
    /// <summary>Runs <c>start.sh DIR KIND PORT [ALIAS]</c>, which prints the server's pid once it answers its health check.</summary>
    /// <param name="dir">The prepared directory (<see cref="RealEngines.Directory"/>).</param>
    /// <param name="kind"><c>chat</c>, <c>embed</c> or <c>whisper</c>.</param>
    /// <param name="port">A free loopback port (<see cref="FreePort"/>).</param>
    /// <param name="alias">The model name the server answers to; null for start.sh's default.</param>
    /// <param name="model">The model file in the prepared root (<c>small.gguf</c>); null for start.sh's default (needs <paramref name="alias"/>).</param>
    /// <returns>The server's pid, for <see cref="Stop"/>.</returns>
    public static async Task<int> StartAsync(string dir, string kind, int port, string? alias = null, string? model = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(FindStartScript());
        start.ArgumentList.Add(dir);
        start.ArgumentList.Add(kind);
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        if (alias is not null)
        {
            start.ArgumentList.Add(alias);
            if (model is not null)
            {
                start.ArgumentList.Add(model);
            }
        }

        using var script = Process.Start(start)!;
        var output = script.StandardOutput.ReadToEndAsync(ct);
        var errors = script.StandardError.ReadToEndAsync(ct);
        try
        {
            await script.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(120), ct);
        }
        catch (TimeoutException)
        {
            script.Kill(entireProcessTree: true);
            throw new InvalidOperationException("start.sh " + kind + " did not finish within 120 s.");
        }

        if (script.ExitCode != 0)
        {
            throw new InvalidOperationException("start.sh " + kind + " failed: " + await errors);
        }

        return int.Parse((await output).Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>Kills the server (if it still runs) and waits for it to be gone.</summary>
    public static void Stop(int pid)
    {
        try
        {
            using var server = Process.GetProcessById(pid);
            server.Kill(entireProcessTree: true);
            server.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>A loopback port that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindStartScript()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tools", "real-engines", "start.sh");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("tools/real-engines/start.sh was not found above " + AppContext.BaseDirectory);
    }
}
