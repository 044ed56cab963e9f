using System.Globalization;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GenieHive.AppHost;

/// <summary>
/// A real PostgreSQL 15 (Debian's <c>postgresql-15</c>) as an executable resource, no container: <c>postgres</c> on
/// a data folder that the <c>-init</c> resource made with <c>initdb</c> (and a <c>geniehive</c> database in it).
/// Control replicas receive it as <c>ConnectionStrings:geniehive</c> through <c>WithReference</c>.
/// </summary>
public sealed class PostgresServerResource(string name, string command, string workingDirectory, int port)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string DatabaseName = "geniehive";

    public int Port { get; } = port;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Database={DatabaseName};Username=postgres");
}

public static class PostgresServerResourceExtensions
{
    /// <summary>Where Debian installs PostgreSQL 15's programs.</summary>
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    /// <summary>
    /// Adds <c>{name}-init</c> (creates the data folder at <paramref name="dataFolder"/> with <c>initdb</c> and the
    /// <c>geniehive</c> database, once: a folder that has a cluster is left alone) and <c>{name}</c>, the server on
    /// 127.0.0.1:<paramref name="port"/>, healthy once it accepts connections. Both run as the <c>postgres</c> user
    /// when the AppHost runs as root, since PostgreSQL refuses to run as root.
    /// </summary>
    public static IResourceBuilder<PostgresServerResource> AddPostgresServer(
        this IDistributedApplicationBuilder builder, string name, string dataFolder, int port)
    {
        var folder = Path.GetFullPath(dataFolder);
        Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
        var asRoot = Environment.UserName == "root";
        var bin = BinDirectory;

        // Single-user mode creates the database without a server running yet.
        var initScript =
            $"set -e; mkdir -p '{folder}'; "
            + (asRoot ? $"chown postgres:postgres '{folder}'; " : "")
            + $"if [ ! -f '{folder}/PG_VERSION' ]; then "
            + $"{AsPostgres(asRoot)}{bin}/initdb -D '{folder}' -A trust -U postgres -E UTF8; "
            + $"echo 'CREATE DATABASE {PostgresServerResource.DatabaseName};' | {AsPostgres(asRoot)}{bin}/postgres --single -D '{folder}' postgres; "
            + "fi";
        var init = builder.AddExecutable($"{name}-init", "bash", Path.GetDirectoryName(folder)!, "-c", initScript);

        var serverArgs = new[] { "-D", folder, "-p", port.ToString(CultureInfo.InvariantCulture), "-k", folder, "-c", "listen_addresses=127.0.0.1" };
        var resource = asRoot
            ? new PostgresServerResource(name, "runuser", folder, port)
            : new PostgresServerResource(name, Path.Combine(bin, "postgres"), folder, port);
        var healthCheck = $"{name}-accepts-connections";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheck, async cancellationToken =>
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (SocketException ex)
            {
                return HealthCheckResult.Unhealthy(ex.Message);
            }
        });

        return builder.AddResource(resource)
            .WithArgs(asRoot ? ["-u", "postgres", "--", Path.Combine(bin, "postgres"), .. serverArgs] : serverArgs)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: "tcp", isProxied: false)
            .WithHealthCheck(healthCheck)
            .WaitForCompletion(init);
    }

    private static string AsPostgres(bool asRoot) => asRoot ? "runuser -u postgres -- " : "";
}
