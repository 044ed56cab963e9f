namespace GenieHive.AppHost;

/// <summary>
/// The SQLite file Control keeps its state in, as a resource of its own: the dashboard shows it, and
/// Control receives it as <c>ConnectionStrings:geniehive</c> through <c>WithReference</c>.
/// (The CommunityToolkit SQLite integration is not available from our package source.)
/// </summary>
public sealed class SqliteDatabaseResource(string name, string databasePath) : Resource(name), IResourceWithConnectionString
{
    /// <summary>Absolute path of the database file.</summary>
    public string DatabasePath { get; } = databasePath;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Data Source={DatabasePath}");
}

public static class SqliteDatabaseResourceExtensions
{
    /// <summary>
    /// Adds a SQLite database file at <paramref name="databasePath"/> (its folder is created). The resource is
    /// running as soon as the folder exists; Control creates the schema on start-up.
    /// </summary>
    public static IResourceBuilder<SqliteDatabaseResource> AddSqliteDatabase(
        this IDistributedApplicationBuilder builder, string name, string databasePath)
    {
        var fullPath = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);

        var resource = new SqliteDatabaseResource(name, fullPath);
        return builder.AddResource(resource)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "SQLite",
                State = KnownResourceStates.Running,
                Properties = [new(CustomResourceKnownProperties.Source, fullPath)],
            })
            .ExcludeFromManifest();
    }
}
