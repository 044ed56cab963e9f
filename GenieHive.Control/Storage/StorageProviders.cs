namespace GenieHive.Control.Storage;

/// <summary>The names <c>GenieHive:Storage:Provider</c> accepts: the one place they are spelled and compared.</summary>
public static class StorageProviders
{
    public const string Sqlite = "sqlite";

    public const string Postgres = "postgres";

    public static bool IsSqlite(string? provider) => string.Equals(provider, Sqlite, StringComparison.OrdinalIgnoreCase);

    public static bool IsPostgres(string? provider) => string.Equals(provider, Postgres, StringComparison.OrdinalIgnoreCase);
}
