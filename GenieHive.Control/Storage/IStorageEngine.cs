using System.Data.Common;

namespace GenieHive.Control.Storage;

/// <summary>
/// What differs between the databases Control can run on: how a connection is had and given back, how a write
/// transaction starts, what keeps two Controls from migrating the schema at once, and what elects their leader. Everything else (the
/// schema, the stores' SQL) is written once, in the SQL both speak, with <c>@name</c> parameters.
/// </summary>
public interface IStorageEngine : IDisposable
{
    /// <summary>Where the data is, for logs (a file path, or a PostgreSQL host and database; never a password).</summary>
    string Description { get; }

    /// <summary>Opens what the engine needs for its whole life and prepares the session (SQLite's pragmas).</summary>
    void Open();

    /// <summary>A connection to use for one batch; give it back with <see cref="Return"/>.</summary>
    DbConnection Rent();

    void Return(DbConnection connection);

    /// <summary>
    /// Whether transactions on separate connections run side by side (PostgreSQL's pool, with row locks), so a write that
    /// needs no order with this process's other writes need not queue behind them (<see cref="ControlDatabase.WriteAside{T}"/>).
    /// SQLite's one connection cannot.
    /// </summary>
    bool ConcurrentWriters { get; }

    /// <summary>A transaction that holds the right to write from its first statement.</summary>
    DbTransaction BeginWrite(DbConnection connection);

    /// <summary>
    /// Waits, inside <paramref name="transaction"/>, until no other Control is creating or migrating the schema, and
    /// holds that until the transaction ends (SQLite: the immediate transaction already is the single writer).
    /// </summary>
    void LockSchema(DbConnection connection, DbTransaction transaction);

    /// <summary>The lock that elects one leader among the Controls on this database (a new one per call).</summary>
    Leadership.ILeaderLock CreateLeaderLock();
}
