using System.Runtime.InteropServices;

namespace GenieHive.Bench.Load;

/// <summary>
/// The entry point the bench harnesses share (the soak and routing-quality harnesses link this file): read the
/// settings (exit code 2 on bad input), run until done or until Ctrl+C or the script's time limit (SIGTERM) cancels
/// the run (exit code 130), so that the harness's own disposal stops every service it started.
/// </summary>
internal static class HarnessMain
{
    public static async Task<int> RunAsync<TSettings>(string[] args, Func<string[], TSettings> parse, Func<TSettings, CancellationToken, Task<int>> run, string name)
    {
        TSettings settings;
        try
        {
            settings = parse(args is ["run", ..] ? args[1..] : args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }

        using var cancellation = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            cancellation.Cancel();
        }

        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        try
        {
            return await run(settings, cancellation.Token);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            Console.Error.WriteLine(name + ": cancelled.");
            return 130;
        }
    }
}
