using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace GenieHive.Tests.Control;

/// <summary>
/// Control as a real process (Kestrel on a loopback port chosen by the OS), for what cannot be done in process:
/// killing it mid-write, pausing it (SIGSTOP) and measuring heartbeats over real HTTP. Every setting is passed on the
/// command line, exactly as an operator starting Control by hand would; its console output is kept for assertions.
/// </summary>
public sealed partial class ControlProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private ControlProcess(Process process, Uri baseAddress, ConcurrentQueue<string> output)
    {
        _process = process;
        BaseAddress = baseAddress;
        _output = output;
    }

    public Uri BaseAddress { get; }

    /// <summary>What the process wrote to its console so far (warnings and up, the lifetime messages, and stderr).</summary>
    public string Output => string.Join('\n', _output);

    public static async Task<ControlProcess> StartAsync(string databasePath, IDictionary<string, string>? settings = null)
    {
        var binaries = AppContext.BaseDirectory;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(binaries, "GenieHive.Control.dll"));
        var arguments = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:geniehive"] = $"Data Source={databasePath}",
            ["GenieHive:Roles:Path"] = Path.Combine(binaries, "roles.yaml"),
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            arguments[key] = value;
        }

        foreach (var (key, value) in arguments)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");

        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new ConcurrentQueue<string>();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is not { } text)
            {
                return;
            }

            output.Enqueue(text);
            if (Listening().Match(text) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is { } text)
            {
                output.Enqueue(text);
            }
        };
        process.Exited += (_, _) => listening.TrySetException(
            new InvalidOperationException($"Control exited with code {process.ExitCode} before listening:\n{string.Join('\n', output.TakeLast(40))}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            return new ControlProcess(process, address, output);
        }
        catch
        {
            KillQuietly(process);
            process.Dispose();
            throw;
        }
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Kills the process at once (no graceful shutdown, no final flush) and waits for it to be gone.</summary>
    public void Kill()
    {
        KillQuietly(_process);
        _process.WaitForExit(30_000);
    }

    /// <summary>Freezes the process (SIGSTOP): its sockets stay open, but it runs nothing until <see cref="Resume"/>.</summary>
    public void Pause() => Signal("STOP");

    /// <summary>Lets a paused process run again (SIGCONT).</summary>
    public void Resume() => Signal("CONT");

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit(10_000);
        Assert.Equal(0, kill.ExitCode);
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();
}
