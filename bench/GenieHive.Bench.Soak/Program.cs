using GenieHive.Bench.Load;
using GenieHive.Bench.Soak;

// The GenieHive soak test: bench/soak.sh builds Release and calls `run --repo <root> [options]` (see SoakSettings).
return await HarnessMain.RunAsync(args, SoakSettings.Parse, RunAsync, "soak");

static async Task<int> RunAsync(SoakSettings settings, CancellationToken cancellationToken)
{
    try
    {
        return await SoakRunner.RunAsync(settings, cancellationToken);
    }
    catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or FileNotFoundException)
    {
        Console.Error.WriteLine("soak: " + ex.Message);
        return 1;
    }
}
