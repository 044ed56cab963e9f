namespace GenieHive.Control.Storage;

/// <summary>Where Control keeps its state: <c>ConnectionStrings:geniehive</c>.</summary>
public sealed class StorageOptions
{
    public const string ConnectionStringName = "geniehive";

    /// <summary>The default: a file under <c>state/</c>, relative to the content root.</summary>
    public const string DefaultConnectionString = "Data Source=state/geniehive.sqlite3";

    /// <summary>
    /// A Microsoft.Data.Sqlite connection string. A relative <c>Data Source</c> resolves against the content
    /// root, and its folder is created at start-up. Default <c>Data Source=state/geniehive.sqlite3</c>.
    /// </summary>
    public string ConnectionString { get; set; } = DefaultConnectionString;
}
