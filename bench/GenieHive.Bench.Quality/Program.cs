using System.Runtime.InteropServices;
using GenieHive.Bench.Quality;

// The routing-quality benchmark (bench/quality.sh calls it after building Release): `run [--quick] [--scenarios ...] [--arms ...]`.
var arguments = args.Length > 0 && args[0] == "run" ? args[1..] : args;
QualitySettings settings;
try
{
    settings = QualitySettings.Parse(arguments);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

// Ctrl+C, or quality.sh's time limit (SIGTERM): stop, and let each cluster's Dispose kill what it started.
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
    return await QualityRunner.RunAsync(settings, cancellation.Token);
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}
