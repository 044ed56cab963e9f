using System.Runtime.InteropServices;
using GenieHive.Bench.Soak;

// The GenieHive soak test: bench/soak.sh builds Release and calls `run --repo <root> [options]` (see SoakSettings).
SoakSettings settings;
try
{
    settings = SoakSettings.Parse(args is ["run", ..] ? args[1..] : args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

// Ctrl+C, or soak.sh's timeout (SIGTERM): stop driving load; disposing the cluster then stops the services.
using var abort = new CancellationTokenSource();
void Abort(PosixSignalContext context)
{
    context.Cancel = true;
    abort.Cancel();
}

using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Abort);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Abort);

try
{
    return await SoakRunner.RunAsync(settings, abort.Token);
}
catch (OperationCanceledException) when (abort.IsCancellationRequested)
{
    Console.Error.WriteLine("soak: cancelled.");
    return 130;
}
catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or FileNotFoundException)
{
    Console.Error.WriteLine("soak: " + ex.Message);
    return 1;
}
