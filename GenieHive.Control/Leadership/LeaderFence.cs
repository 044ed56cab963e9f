using System.Data.Common;
using GenieHive.Control.Storage;

namespace GenieHive.Control.Leadership;

/// <summary>
/// Fencing: a write only the leader may make runs in one transaction with a check that the leadership epoch in the
/// database is still the one its term was elected under. A leader that was paused past its lock and comes back finds
/// a newer epoch: its write is rolled back, and it steps down.
/// </summary>
public static class LeaderFence
{
    /// <summary>The <c>control_state</c> key of the leadership epoch.</summary>
    public const string EpochKey = "leader_epoch";

    /// <summary>
    /// Runs <paramref name="write"/> as <see cref="ControlDatabase.WriteAsync"/> does, under <paramref name="term"/>.
    /// Throws <see cref="LeadershipLostException"/> (nothing written, the term ended) when a newer epoch exists.
    /// </summary>
    public static async Task WriteFencedAsync(
        this ControlDatabase database, LeaderTerm term, Action<DbConnection, DbTransaction> write, CancellationToken cancellationToken = default)
    {
        try
        {
            await database.WriteAsync((connection, transaction) =>
            {
                if (!ControlState.HoldsAndLocks(connection, transaction, EpochKey, term.Epoch))
                {
                    throw new LeadershipLostException(term.Epoch, ControlState.Read(connection, transaction, EpochKey));
                }

                write(connection, transaction);
            }, cancellationToken);
        }
        catch (LeadershipLostException)
        {
            term.Refused();
            throw;
        }
    }

    /// <summary>The write of <paramref name="term"/>, or of no term when null (a write any replica may make).</summary>
    public static Task WriteAsync(
        this ControlDatabase database, LeaderTerm? term, Action<DbConnection, DbTransaction> write, CancellationToken cancellationToken = default) =>
        term is null ? database.WriteAsync(write, cancellationToken) : database.WriteFencedAsync(term, write, cancellationToken);
}

/// <summary>A fenced write was refused: another Control was elected since this one's term began.</summary>
public sealed class LeadershipLostException(long epoch, long current)
    : Exception($"This Control led under epoch {epoch}; the database is at epoch {current}, so another Control leads.")
{
    public long Epoch { get; } = epoch;

    public long CurrentEpoch { get; } = current;
}
