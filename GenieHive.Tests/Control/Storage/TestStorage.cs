using GenieHive.Control.Storage;
using Npgsql;

namespace GenieHive.Tests.Control.Storage;

/// <summary>
/// The database a test's Control runs on, for theories over both providers: a fresh SQLite file, or a fresh
/// database on the shared <see cref="PostgresServer"/> (the test is skipped, saying why, where PostgreSQL is missing).
/// </summary>
public sealed class TestStorage : IAsyncDisposable
{
    private readonly string? _sqlitePath;

    private TestStorage(string provider, string connectionString, string? sqlitePath)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _sqlitePath = sqlitePath;
    }

    /// <summary>Every provider, as theory data.</summary>
    public static TheoryData<string> Providers => new(StorageProviders.Sqlite, StorageProviders.Postgres);

    public string Provider { get; }

    public string ConnectionString { get; }

    /// <summary>The settings that put a Control on this database.</summary>
    public Dictionary<string, string?> Settings => new(StringComparer.Ordinal)
    {
        [$"{StorageOptions.SectionName}:Provider"] = Provider,
        [$"ConnectionStrings:{StorageOptions.ConnectionStringName}"] = ConnectionString,
    };

    /// <summary>A new, empty database of <paramref name="provider"/>.</summary>
    public static async Task<TestStorage> CreateAsync(string provider)
    {
        if (StorageProviders.IsSqlite(provider))
        {
            var path = ControlFactory.NewDatabasePath();
            return new TestStorage(provider, $"Data Source={path}", path);
        }

        Assert.SkipWhen(PostgresServer.SkipReason is not null, PostgresServer.SkipReason ?? "");
        var server = await PostgresServer.SharedAsync();
        return new TestStorage(provider, await server.CreateDatabaseAsync(), null);
    }

    /// <summary>The engine a Control started with these settings would use.</summary>
    public IStorageEngine NewEngine() =>
        StorageProviders.IsSqlite(Provider)
            ? new SqliteStorageEngine(ConnectionString, new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { ContentRootPath = AppContext.BaseDirectory })
            : new PostgresStorageEngine(ConnectionString);

    public async ValueTask DisposeAsync()
    {
        if (_sqlitePath is not null)
        {
            ControlFactory.DeleteDatabase(_sqlitePath);
            return;
        }

        var database = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
        NpgsqlConnection.ClearAllPools();
        var server = await PostgresServer.SharedAsync();
        await using var connection = new NpgsqlConnection(server.AdminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE);", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
