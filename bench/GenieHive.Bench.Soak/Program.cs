using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using GenieHive.Bench.Soak;

// The GenieHive soak test (bench/soak.sh starts the services and calls `run ...`; `free-ports N` prints N free loopback ports).
if (args is ["free-ports", var countText] && int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
{
    // All bound at once, so that the N ports are distinct; released just before the services bind them.
    var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
    listeners.ForEach(listener => listener.Start());
    Console.WriteLine(string.Join(' ', listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture))));
    listeners.ForEach(listener => listener.Stop());
    return 0;
}

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

// Ctrl+C, or soak.sh's timeout (SIGTERM): stop driving load; soak.sh stops the services.
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
catch (TimeoutException ex)
{
    Console.Error.WriteLine("soak: " + ex.Message);
    return 1;
}
