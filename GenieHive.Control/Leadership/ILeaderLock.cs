namespace GenieHive.Control.Leadership;

/// <summary>
/// What makes one Control the leader among those sharing a database: a lock at most one of them holds. The engine
/// provides it (<see cref="Storage.IStorageEngine.CreateLeaderLock"/>); <see cref="LeaderElector"/> polls it.
/// </summary>
public interface ILeaderLock : IDisposable
{
    /// <summary>
    /// Takes the lock if it is free, or checks that this Control still holds it. False when another Control holds
    /// it or the lock was lost (its connection died); a lost lock is never held again without a new acquisition.
    /// </summary>
    bool Hold();

    /// <summary>Lets the lock go (if held), so that the next <see cref="Hold"/> has to win it again.</summary>
    void Release();
}

/// <summary>SQLite: one Control per file, so it always leads (the file's own lock keeps a second writer out).</summary>
public sealed class EmbeddedLeaderLock : ILeaderLock
{
    public bool Hold() => true;

    public void Release()
    {
    }

    public void Dispose()
    {
    }
}
