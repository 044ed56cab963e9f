using System.Globalization;

namespace GenieHive.AppHost;

/// <summary>
/// What an operator (or a test) can change about the local topology, read from the AppHost's configuration:
/// <c>Parameters:facade-port</c>, <c>Parameters:client-api-key</c>, <c>Parameters:node-api-key</c>,
/// <c>Parameters:engine-url</c>, <c>Parameters:engine-discover</c>, <c>GenieHive:DatabasePath</c>, <c>GenieHive:RolesPath</c>.
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
    int HeartbeatIntervalSeconds)
{
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
            HeartbeatIntervalSeconds: int.Parse(config["GenieHive:HeartbeatIntervalSeconds"] ?? "2", CultureInfo.InvariantCulture));
    }
}
