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

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Stop measuring and let the cluster's Dispose kill every service.
    e.Cancel = true;
    cancellation.Cancel();
};

try
{
    return await BenchRunner.RunAsync(settings, cancellation.Token);
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    return 130;
}
