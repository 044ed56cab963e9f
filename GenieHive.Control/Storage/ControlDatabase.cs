using System.Data;
using System.Data.Common;
using System.Globalization;
using GenieHive.Contracts;

namespace GenieHive.Control.Storage;

/// <summary>
/// Control's database, whichever engine holds it (<see cref="IStorageEngine"/>: SQLite embedded, or PostgreSQL).
/// Callers run their statements inside <see cref="WriteAsync"/>, which serialises this process's writes and
/// wraps each batch in one transaction, so a killed process never leaves half a write. The schema is created
/// and migrated at start-up under the engine's schema lock, and a database written by a newer Control is refused.
/// </summary>
public sealed class ControlDatabase(IStorageEngine engine, TimeProvider time) : IDisposable
{
    /// <summary>Bumped when the schema changes; a database written by a newer Control is refused.</summary>
    public const int SchemaVersion = 2;

    private readonly SemaphoreSlim _writer = new(1, 1);
    private bool _opened;
    private bool _disposed;

    /// <summary>Where the data is (for logs).</summary>
    public string DataSource => engine.Description;

    /// <summary>Opens the engine and creates or migrates the schema. Called once at start-up.</summary>
    public void Initialize()
    {
        using var activity = Diagnostics.ControlTelemetry.ActivitySource.StartActivity("control.storage.initialize");
        activity?.SetTag("geniehive.storage", DataSource);
        engine.Open();
        _opened = true;
        Write((connection, transaction) =>
        {
            engine.LockSchema(connection, transaction);
            foreach (var statement in Schema.Statements)
            {
                using var command = connection.Command(transaction, statement);
                command.ExecuteNonQuery();
            }

            var stored = StoredVersion(connection, transaction);
            if (stored > SchemaVersion)
            {
                throw new InvalidOperationException(
                    $"The database {DataSource} has schema version {stored}, newer than this Control understands ({SchemaVersion}).");
            }

            if (stored < SchemaVersion)
            {
                // Version 0 is a database created just now by the statements above, already in the current shape.
                foreach (var (version, statements) in Schema.Migrations)
                {
                    if (stored > 0 && version > stored)
                    {
                        foreach (var statement in statements)
                        {
                            using var migrate = connection.Command(transaction, statement);
                            migrate.ExecuteNonQuery();
                        }
                    }
                }

                using var record = connection.Command(transaction, "INSERT INTO schema_version (version, applied_at) VALUES (@version, @applied_at);");
                record.Add("@version", DbType.Int32, SchemaVersion);
                record.Add("@applied_at", DbType.Double, time.UnixSeconds());
                record.ExecuteNonQuery();
            }
        });
    }

    /// <summary>Runs reads on a connection of the engine, after the writes queued before them.</summary>
    public T Read<T>(Func<DbConnection, T> read)
    {
        _writer.Wait();
        try
        {
            var connection = Rent();
            try
            {
                return read(connection);
            }
            finally
            {
                engine.Return(connection);
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Runs <paramref name="write"/> inside one transaction, after every write queued before it.</summary>
    public Task WriteAsync(Action<DbConnection, DbTransaction> write, CancellationToken cancellationToken = default) =>
        WriteAsync(Unit(write), static _ => { }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="write"/> inside one transaction and, once it committed, <paramref name="committed"/> with
    /// its result while this process's writer lock is still held. Reads queue behind writes, so no read in this
    /// process sees the database written but memory not yet told what was (the registry's replica sync relies on it).
    /// </summary>
    public async Task WriteAsync<T>(Func<DbConnection, DbTransaction, T> write, Action<T> committed, CancellationToken cancellationToken = default)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            committed(WriteCore(write));
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>The blocking form of <see cref="WriteAsync(Action{DbConnection, DbTransaction}, CancellationToken)"/>, for background loops and start-up.</summary>
    public void Write(Action<DbConnection, DbTransaction> write) => Write(Unit(write), static _ => { });

    /// <summary>The blocking form of <see cref="WriteAsync{T}"/>.</summary>
    public void Write<T>(Func<DbConnection, DbTransaction, T> write, Action<T> committed)
    {
        _writer.Wait();
        try
        {
            committed(WriteCore(write));
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> inside one transaction that need not be ordered with this process's other writes
    /// (a counter of its own, such as the routing-table version): where the engine allows concurrent writers it runs at
    /// once on its own connection, instead of waiting behind a heartbeat batch; otherwise it queues like any write.
    /// </summary>
    public T WriteAside<T>(Func<DbConnection, DbTransaction, T> write)
    {
        if (!engine.ConcurrentWriters)
        {
            var result = default(T)!;
            Write(write, committed => result = committed);
            return result;
        }

        return WriteCore(write);
    }

    private T WriteCore<T>(Func<DbConnection, DbTransaction, T> write)
    {
        var connection = Rent();
        try
        {
            using var transaction = engine.BeginWrite(connection);
            var result = write(connection, transaction);
            transaction.Commit();
            return result;
        }
        finally
        {
            engine.Return(connection);
        }
    }

    private static Func<DbConnection, DbTransaction, bool> Unit(Action<DbConnection, DbTransaction> write) =>
        (connection, transaction) =>
        {
            write(connection, transaction);
            return true;
        };

    private DbConnection Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _opened ? engine.Rent() : throw new InvalidOperationException("The database is used before ControlDatabase.Initialize().");
    }

    private static long StoredVersion(DbConnection connection, DbTransaction transaction)
    {
        using var command = connection.Command(transaction, "SELECT MAX(version) FROM schema_version;");
        return command.ExecuteScalar() is { } value and not DBNull ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>
    /// Closes the engine once the write in progress (if any) is done. Later writes throw
    /// <see cref="ObjectDisposedException"/>; the semaphore is left alone so that they can still wait on it.
    /// </summary>
    public void Dispose()
    {
        _writer.Wait();
        try
        {
            _disposed = true;
            engine.Dispose();
        }
        finally
        {
            _writer.Release();
        }
    }
}
