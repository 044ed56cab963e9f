using GenieHive.Contracts;
using GenieHive.Control.Benchmarks;
using GenieHive.Control.Keys;
using GenieHive.Control.Registry;
using GenieHive.Control.Roles;
using GenieHive.Control.Routing;
using GenieHive.Control.Storage;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Hosting;

/// <summary>
/// Brings Control's state up before anything is served: the role catalog (a bad file stops start-up with a
/// message naming the file and the field), the database and its schema, the catalog written to it, the
/// registry and benchmarks read back, and the first routing table published. Registered before the
/// background loops, which start only after this completes.
/// </summary>
public sealed partial class ControlStartup(
    IOptions<RolesOptions> rolesOptions,
    IHostEnvironment environment,
    ControlDatabase database,
    RoleCatalog roles,
    ClusterRegistry registry,
    BenchmarkSampleStore benchmarks,
    RoutingTablePublisher publisher,
    KeyRegistry keys,
    TimeProvider time,
    ILogger<ControlStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var now = time.UnixSeconds();
        var catalog = LoadCatalog(now);

        database.Initialize();
        keys.Load();
        database.Write((connection, transaction) => RoleStore.ReplaceAll(connection, transaction, catalog.Roles));
        roles.Replace(catalog.Roles);

        var (hosts, services, samples, storedThrough) = database.Read(connection =>
        {
            // The sequence first: a write that lands while the rows are read is read again by the replica sync.
            var through = RegistryStore.CurrentSequence(connection);
            var loadedHosts = RegistryStore.LoadHosts(connection);
            var loadedServices = RegistryStore.LoadServices(connection);
            return (RegistryStore.WithServiceIds(loadedHosts, loadedServices), loadedServices, BenchmarkSampleStore.LoadAll(connection), through);
        });
        registry.Load(hosts, services, now, storedThrough);
        benchmarks.Load(samples);
        publisher.Initialize();

        LogStarted(logger, database.DataSource, hosts.Count, services.Count, catalog.Roles.Count, samples.Count, publisher.Current.Version);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private LoadedCatalog LoadCatalog(double now)
    {
        var configured = rolesOptions.Value.Path;
        if (configured is not null && string.IsNullOrWhiteSpace(configured))
        {
            LogNoCatalog(logger);
            return new LoadedCatalog(null, [], []);
        }

        // Not configured at all: the catalog shipped next to the binaries, if there is one.
        var explicitlySet = configured is not null;
        var path = ResolveCatalogPath(configured ?? RolesOptions.DefaultFileName, environment.ContentRootPath);
        if (!File.Exists(path))
        {
            if (!explicitlySet)
            {
                LogNoCatalog(logger);
                return new LoadedCatalog(null, [], []);
            }

            throw new RoleCatalogException(
                $"{path}: the role catalog file does not exist (GenieHive:Roles:Path is '{configured}').");
        }

        var catalog = RoleCatalogLoader.LoadFile(path, now);
        foreach (var warning in catalog.Warnings)
        {
            LogCatalogWarning(logger, warning);
        }

        LogCatalogLoaded(logger, catalog.Roles.Count, path);
        return catalog;
    }

    /// <summary>
    /// A relative path resolves against the content root; when nothing is there, against the application
    /// folder, where the default catalog is copied (so <c>dotnet GenieHive.Control.dll</c> from anywhere works).
    /// </summary>
    public static string ResolveCatalogPath(string configured, string contentRoot)
    {
        if (Path.IsPathRooted(configured))
        {
            return configured;
        }

        var fromContentRoot = Path.GetFullPath(configured, contentRoot);
        if (File.Exists(fromContentRoot))
        {
            return fromContentRoot;
        }

        var fromAppFolder = Path.GetFullPath(configured, AppContext.BaseDirectory);
        return File.Exists(fromAppFolder) ? fromAppFolder : fromContentRoot;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Control state in {DataSource}: {HostCount} hosts, {ServiceCount} services, {RoleCount} roles, {BenchmarkCount} benchmark samples; routing table version {Version}")]
    private static partial void LogStarted(ILogger logger, string dataSource, int hostCount, int serviceCount, int roleCount, int benchmarkCount, long version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {RoleCount} roles from {Path}")]
    private static partial void LogCatalogLoaded(ILogger logger, int roleCount, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Role catalog: {Warning}")]
    private static partial void LogCatalogWarning(ILogger logger, string warning);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No role catalog (GenieHive:Roles:Path is empty, or unset with no roles.yaml beside Control): only asset and service names route")]
    private static partial void LogNoCatalog(ILogger logger);
}
