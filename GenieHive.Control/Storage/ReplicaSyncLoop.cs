using Microsoft.Extensions.Options;

namespace GenieHive.Control.Storage;

/// <summary>
/// A loop that keeps this replica's copy of what other Control replicas write current: on a database replicas share
/// (<see cref="StorageOptions.SharedByReplicas"/>), one <see cref="Pass"/> every interval of real time, whatever clock
/// Control's business runs on (this is about how fresh the copy is, not about expiry). On SQLite, which one Control
/// uses alone, there is nobody to share with and it does nothing. A pass handles its own database errors (each loop
/// logs what it could not share and retries on the next pass); stopping ends the loop quietly.
/// </summary>
public abstract class ReplicaSyncLoop(IOptions<StorageOptions> storage, TimeSpan interval) : BackgroundService
{
    /// <summary>Whether there are other replicas to share with (the loop runs only then).</summary>
    protected bool Shared { get; } = storage.Value.SharedByReplicas;

    /// <summary>One exchange with the database: write what this replica holds for the others, read what they wrote.</summary>
    public abstract void Pass();

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Shared)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, TimeProvider.System);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Pass();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (ObjectDisposedException) when (stoppingToken.IsCancellationRequested)
        {
            // The database closed under a stopping Control.
        }
    }
}
