using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace GenieHive.Control.Storage;

/// <summary>
/// The embedded default: one SQLite file and one long-lived connection for every write (SQLite allows one writer
/// anyway, so a single connection with short transactions is the fastest correct choice), WAL journal, foreign
/// keys on.
/// </summary>
public sealed class SqliteStorageEngine : IStorageEngine
{
    private readonly string _connectionString;
    private SqliteConnection? _connection;

    public SqliteStorageEngine(string? connectionString, IHostEnvironment environment)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString ?? StorageOptions.DefaultConnectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            throw new InvalidOperationException($"ConnectionStrings:{StorageOptions.ConnectionStringName} has no Data Source.");
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
        Description = builder.DataSource;
    }

    public string Description { get; }

    public void Open()
    {
        _connection = new SqliteConnection(_connectionString);
        _connection.Open();
        // cache_size: 8 MiB of pages instead of SQLite's 2 MB, so that the audit's and the registry's hot pages are not
        // read back from the file on every batch (Control's CPU per audit record, bench/run.sh: about a third less).
        foreach (var pragma in new[] { "PRAGMA journal_mode=WAL;", "PRAGMA synchronous=NORMAL;", "PRAGMA foreign_keys=ON;", "PRAGMA busy_timeout=5000;", "PRAGMA cache_size=-8192;" })
        {
            using var command = _connection.Command(null, pragma);
            command.ExecuteNonQuery();
        }
    }

    public DbConnection Rent() =>
        _connection ?? throw new UnreachableException("The database is used before ControlDatabase.Initialize().");

    public void Return(DbConnection connection)
    {
        // The one connection stays open until Dispose.
    }

    public bool ConcurrentWriters => false;

    // Immediate: the write lock is taken at BEGIN, so a batch never fails half-way on a busy database.
    public DbTransaction BeginWrite(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    public void LockSchema(DbConnection connection, DbTransaction transaction)
    {
        // BEGIN IMMEDIATE already excludes every other writer of the file.
    }

    public Leadership.ILeaderLock CreateLeaderLock() => new Leadership.EmbeddedLeaderLock();

    public void Dispose() => _connection?.Dispose();
}
