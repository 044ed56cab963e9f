using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Storage;

/// <summary>
/// Control's SQLite database: one long-lived connection for every write (SQLite allows one writer anyway,
/// so a single connection with short transactions is the fastest correct choice), WAL journal, foreign keys
/// on, the schema created at start-up. Callers run their statements inside <see cref="WriteAsync"/>, which
/// serialises them and wraps each batch in one transaction, so a killed process never leaves half a write.
/// </summary>
public sealed class ControlDatabase : IDisposable
{
    /// <summary>Bumped when the schema changes; a database written by a newer Control is refused.</summary>
    public const int SchemaVersion = 1;

    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly string _connectionString;
    private SqliteConnection? _connection;
    private bool _disposed;

    public ControlDatabase(IOptions<StorageOptions> options, IHostEnvironment environment)
    {
        var builder = new SqliteConnectionStringBuilder(options.Value.ConnectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            throw new InvalidOperationException("ConnectionStrings:geniehive has no Data Source.");
        }

        var inMemory = builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory;
        if (!inMemory)
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource, environment.ContentRootPath);
            var folder = Path.GetDirectoryName(builder.DataSource);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }

        // One connection lives for the whole process; pooling would only keep a second handle open.
        builder.Pooling = false;
        builder.ForeignKeys = true;
        builder.DefaultTimeout = 30;
        _connectionString = builder.ToString();
        DataSource = builder.DataSource;
    }

    /// <summary>The resolved database path (for logs).</summary>
    public string DataSource { get; }

    /// <summary>Opens the connection, sets the pragmas and creates the schema. Called once at start-up.</summary>
    public void Initialize()
    {
        using var activity = Diagnostics.ControlTelemetry.ActivitySource.StartActivity("control.storage.initialize");
        _connection = new SqliteConnection(_connectionString);
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL;");
        Execute("PRAGMA synchronous=NORMAL;");
        Execute("PRAGMA foreign_keys=ON;");
        Execute("PRAGMA busy_timeout=5000;");

        using var transaction = _connection.BeginTransaction();
        foreach (var statement in Schema.Statements)
        {
            using var command = _connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = statement;
            command.ExecuteNonQuery();
        }

        using (var version = _connection.CreateCommand())
        {
            version.Transaction = transaction;
            version.CommandText = "SELECT MAX(version) FROM schema_version;";
            var existing = version.ExecuteScalar();
            if (existing is long stored && stored > SchemaVersion)
            {
                throw new InvalidOperationException(
                    $"The database {DataSource} has schema version {stored}, newer than this Control understands ({SchemaVersion}).");
            }

            if (existing is null or DBNull)
            {
                version.CommandText = "INSERT INTO schema_version (version, applied_at) VALUES ($version, CAST(strftime('%s','now') AS REAL));";
                version.Parameters.AddWithValue("$version", SchemaVersion);
                version.ExecuteNonQuery();
            }
        }

        transaction.Commit();
    }

    /// <summary>Runs reads on the writer connection (start-up only; requests are served from memory).</summary>
    public T Read<T>(Func<SqliteConnection, T> read)
    {
        _writer.Wait();
        try
        {
            return read(Connection);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Runs <paramref name="write"/> inside one transaction, after every write queued before it.</summary>
    public async Task WriteAsync(Action<SqliteConnection, SqliteTransaction> write, CancellationToken cancellationToken = default)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            WriteCore(write);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>The blocking form of <see cref="WriteAsync"/>, for background loops and start-up.</summary>
    public void Write(Action<SqliteConnection, SqliteTransaction> write)
    {
        _writer.Wait();
        try
        {
            WriteCore(write);
        }
        finally
        {
            _writer.Release();
        }
    }

    private void WriteCore(Action<SqliteConnection, SqliteTransaction> write)
    {
        var connection = Connection;
        using var transaction = connection.BeginTransaction(deferred: false);
        write(connection, transaction);
        transaction.Commit();
    }

    private SqliteConnection Connection
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _connection ?? throw new UnreachableException("The database is used before ControlDatabase.Initialize().");
        }
    }

    private void Execute(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Closes the connection once the write in progress (if any) is done. Later writes throw
    /// <see cref="ObjectDisposedException"/>; the semaphore is left alone so that they can still wait on it.
    /// </summary>
    public void Dispose()
    {
        _writer.Wait();
        try
        {
            _disposed = true;
            _connection?.Dispose();
        }
        finally
        {
            _writer.Release();
        }
    }
}
