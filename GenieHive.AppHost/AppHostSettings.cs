using System.Globalization;

namespace GenieHive.AppHost;

/// <summary>
/// What an operator (or a test) can change about the local topology, read from the AppHost's configuration:
/// <c>Parameters:facade-port</c>, <c>Parameters:client-api-key</c>, <c>Parameters:node-api-key</c>,
/// <c>Parameters:engine-url</c>, <c>Parameters:engine-discover</c>, <c>GenieHive:DatabasePath</c>, <c>GenieHive:RolesPath</c>;
/// <c>GenieHive:AppHost:ScaleOut</c> (true: PostgreSQL, two Control replicas, two facades),
/// <c>GenieHive:AppHost:PostgresPort</c> (default 5433) and <c>GenieHive:AppHost:PostgresDataPath</c> (default <c>state/postgres</c>).
/// </summary>
public sealed record AppHostSettings(
    int FacadePort,
    string ClientApiKey,
    string NodeApiKey,
    string DatabasePath,
    string RolesPath,
    string? EngineUrl,
    string EngineDiscover,
    int HostTimeoutSeconds,
    int HeartbeatIntervalSeconds,
    bool ScaleOut,
    int PostgresPort,
    string PostgresDataPath)
{
    /// <summary>Beside a system PostgreSQL's 5432, so the two never collide.</summary>
    public const int DefaultPostgresPort = 5433;

    /// <summary>The documented address of the facade: <c>http://localhost:8800</c>.</summary>
    public const int DefaultFacadePort = 8800;

    /// <summary>The development client key of a fresh checkout.</summary>
    public const string DefaultClientApiKey = "dev-key";

    public static AppHostSettings From(IDistributedApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var repositoryRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
        return new AppHostSettings(
            FacadePort: int.Parse(config["Parameters:facade-port"] ?? DefaultFacadePort.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
            ClientApiKey: config["Parameters:client-api-key"] ?? DefaultClientApiKey,
            NodeApiKey: config["Parameters:node-api-key"] ?? "dev-node-key",
            DatabasePath: config["GenieHive:DatabasePath"] ?? Path.Combine(repositoryRoot, "state", "geniehive.sqlite3"),
            RolesPath: config["GenieHive:RolesPath"] ?? Path.Combine(repositoryRoot, "GenieHive.Control", "roles.yaml"),
            EngineUrl: string.IsNullOrWhiteSpace(config["Parameters:engine-url"]) ? null : config["Parameters:engine-url"],
            EngineDiscover: config["Parameters:engine-discover"] ?? "llamacpp",
            HostTimeoutSeconds: int.Parse(config["GenieHive:HostTimeoutSeconds"] ?? "15", CultureInfo.InvariantCulture),
            HeartbeatIntervalSeconds: int.Parse(config["GenieHive:HeartbeatIntervalSeconds"] ?? "2", CultureInfo.InvariantCulture),
            ScaleOut: bool.Parse(config["GenieHive:AppHost:ScaleOut"] ?? "false"),
            PostgresPort: int.Parse(config["GenieHive:AppHost:PostgresPort"] ?? DefaultPostgresPort.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
            PostgresDataPath: config["GenieHive:AppHost:PostgresDataPath"] ?? Path.Combine(repositoryRoot, "state", "postgres"));
    }
}
