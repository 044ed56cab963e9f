using System.Runtime.InteropServices;
using GenieHive.Bench.Load;

// The GenieHive benchmark harness (bench/run.sh calls it after building Release): `run [--quick] [--gc MODE] [--phases ...]`.
var arguments = args.Length > 0 && args[0] == "run" ? args[1..] : args;
BenchSettings settings;
try
{
    settings = BenchSettings.Parse(arguments);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

// Ctrl+C, or run.sh's timeout (SIGTERM): stop measuring and let the cluster's Dispose kill every service it started.
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
    return await BenchRunner.RunAsync(settings, cancellation.Token);
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}
