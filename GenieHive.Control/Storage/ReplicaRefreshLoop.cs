using System.Data.Common;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Storage;

/// <summary>
/// A <see cref="ReplicaSyncLoop"/> whose pass is one call that reads again what other replicas wrote of one thing
/// (<see cref="Refresh"/>; it decides whether anything moved: a <see cref="SharedRevision"/>, the registry's sequence):
/// a database error is logged, naming what could not be read, and the next pass tries again; a database already closed
/// by a stopping Control ends the pass quietly.
/// </summary>
public abstract partial class ReplicaRefreshLoop(IOptions<StorageOptions> storage, TimeSpan interval, ILogger logger, string what)
    : ReplicaSyncLoop(storage, interval)
{
    /// <summary>Reads again what other replicas wrote, if they wrote anything since the last pass.</summary>
    protected abstract void Refresh();

    public sealed override void Pass()
    {
        try
        {
            Refresh();
        }
        catch (DbException ex)
        {
            LogRefreshFailed(logger, ex, what);
        }
        catch (ObjectDisposedException)
        {
            // Control is stopping: the database is already closed.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the {What} other Control replicas wrote; will retry")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception, string what);
}
