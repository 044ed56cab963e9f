using System.Data.Common;
using Npgsql;

namespace GenieHive.Control.Storage;

/// <summary>
/// PostgreSQL: pooled connections from one Npgsql data source (its "Npgsql" spans and meter are exported by the
/// service defaults), one per batch. Schema changes wait on a transaction-scoped advisory lock, so replicas
/// starting together migrate one after the other.
/// </summary>
public sealed class PostgresStorageEngine(string connectionString) : IStorageEngine
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    /// <summary>The advisory lock key of schema creation and migration ("GenieHiv" in ASCII).</summary>
    public const long SchemaLockKey = 0x47656E6965486976;

    public string Description { get; } = Describe(connectionString);

    /// <summary>How long start-up waits for a server that is still starting (or restarting) before it gives up.</summary>
    public static readonly TimeSpan StartupPatience = TimeSpan.FromSeconds(30);

    public void Open()
    {
        // A server started beside Control may still be starting: wait for it a while, then fail with its own message.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var connection = _dataSource.OpenConnection();
                return;
            }
            catch (NpgsqlException ex) when (ex.IsTransient && waited.Elapsed < StartupPatience)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(500));
            }
        }
    }

    public DbConnection Rent() => _dataSource.OpenConnection();

    public void Return(DbConnection connection) => connection.Dispose();

    public bool ConcurrentWriters => true;

    public DbTransaction BeginWrite(DbConnection connection) => connection.BeginTransaction();

    public void LockSchema(DbConnection connection, DbTransaction transaction)
    {
        using var command = connection.Command(transaction, "SELECT pg_advisory_xact_lock(@key);");
        command.Add("@key", System.Data.DbType.Int64, SchemaLockKey);
        command.ExecuteNonQuery();
    }

    public Leadership.ILeaderLock CreateLeaderLock() => new Leadership.PostgresLeaderLock(connectionString);

    public void Dispose() => _dataSource.Dispose();

    private static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
    }
}
