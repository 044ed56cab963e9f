namespace GenieHive.Control.Storage;

/// <summary>
/// Where Control keeps its state: <c>GenieHive:Storage:Provider</c> picks the database, and
/// <c>ConnectionStrings:geniehive</c> says where it is.
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "GenieHive:Storage";

    public const string ConnectionStringName = "geniehive";

    /// <summary>The default: a file under <c>state/</c>, relative to the content root.</summary>
    public const string DefaultConnectionString = "Data Source=state/geniehive.sqlite3";

    /// <summary>
    /// <c>sqlite</c> (default: one embedded file, one Control) or <c>postgres</c> (a PostgreSQL server that several
    /// Control replicas can share). Case-insensitive; anything else stops start-up.
    /// </summary>
    public string Provider { get; set; } = StorageProviders.Sqlite;

    /// <summary>
    /// <c>ConnectionStrings:geniehive</c>: for <c>sqlite</c> a Microsoft.Data.Sqlite connection string (a relative
    /// <c>Data Source</c> resolves against the content root and its folder is created at start-up; unset means
    /// <see cref="DefaultConnectionString"/>); for <c>postgres</c> an Npgsql connection string (required).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// True when several Control replicas may share this database (<c>postgres</c>): what one replica learns must then
    /// reach the others through it. False for <c>sqlite</c>, which one Control uses alone.
    /// </summary>
    public bool SharedByReplicas => StorageProviders.IsPostgres(Provider);
}
