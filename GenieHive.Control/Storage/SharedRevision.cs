using System.Data.Common;

namespace GenieHive.Control.Storage;

/// <summary>
/// How far this replica's in-memory copy of something every replica writes (keys, usage, samples) has come: a
/// <c>control_state</c> counter that each write of it advances in its own transaction, and the value this copy is known
/// to match. A replica sync reads again only when the stored counter moved past it. Every call runs under
/// <see cref="ControlDatabase"/>'s writer lock (inside its reads and writes), which orders them.
/// </summary>
public sealed class SharedRevision(string key)
{
    // At first, the counter of a store nobody wrote (0); -1 after Forget: no value (no stored counter is negative).
    private long _matches;

    /// <summary>
    /// In a write's transaction: advances the counter and returns its new value. On PostgreSQL the counter's row stays
    /// locked until the transaction ends, so writes of every replica that advance it first queue up one after another.
    /// </summary>
    public long Advance(DbConnection connection, DbTransaction transaction) => ControlState.Advance(connection, transaction, key);

    /// <summary>
    /// After a write that advanced the counter to <paramref name="revision"/> committed and memory holds it: only when
    /// nobody else advanced it meanwhile is memory known to match it (otherwise the next look reads again).
    /// </summary>
    public void Committed(long revision)
    {
        if (revision == _matches + 1)
        {
            _matches = revision;
        }
    }

    /// <summary>The stored counter when it differs from what memory matches (read again, then <see cref="Matched"/>), else null.</summary>
    public long? Moved(DbConnection connection)
    {
        var stored = ControlState.Read(connection, null, key);
        return stored == _matches ? null : stored;
    }

    /// <summary>Memory now holds what was stored at <paramref name="revision"/> (read after the counter, so at least that).</summary>
    public void Matched(long revision) => _matches = revision;

    /// <summary>Memory changed in a way the store does not know (a new month begun with no usage): the next look reads again.</summary>
    public void Forget() => _matches = -1;
}
