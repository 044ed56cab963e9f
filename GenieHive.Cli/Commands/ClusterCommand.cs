using System.CommandLine;
using GenieHive.Cli.Rendering;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;

namespace GenieHive.Cli.Commands;

/// <summary><c>geniehive cluster</c>: health counts, hosts, services (health, stale, cooldown, measured figures) and roles.</summary>
public static class ClusterCommand
{
    public static Command Create(GlobalOptions global, CliConsole console)
    {
        var command = new Command("cluster", "The cluster at a glance: hosts, services and roles.");
        CommandAction.Set(command, console, async (parsed, cancellationToken) =>
        {
            using var connection = global.Connect(parsed);
            var health = await connection.CallAsync((api, ct) => api.GetHealthAsync(ct), cancellationToken);
            var hosts = await connection.CallAsync((api, ct) => api.GetHostsAsync(ct), cancellationToken);
            var services = await connection.CallAsync((api, ct) => api.GetServicesAsync(ct), cancellationToken);
            var roles = await connection.CallAsync((api, ct) => api.GetRolesAsync(ct), cancellationToken);
            Write(console.Out, health, hosts.Data, services.Data, roles.Data, DateTimeOffset.UtcNow);
            return CliApplication.Success;
        });
        return command;
    }

    public static void Write(TextWriter output, ClusterHealth health, IReadOnlyList<HostView> hosts, IReadOnlyList<ServiceView> services, IReadOnlyList<RoleView> roles, DateTimeOffset now)
    {
        output.WriteLine($"Hosts {health.HostCount} ({health.OnlineHostCount} online, {health.StaleHostCount} stale); " +
            $"services {health.ServiceCount} ({health.HealthyServiceCount} healthy, {health.RoutableServiceCount} routable, {health.CoolingDownServiceCount} cooling down); " +
            $"roles {health.RoleCount}; routing table v{health.RoutingVersion}");
        output.WriteLine();

        var hostTable = new TextTable("HOST", "NAME", "ADDRESS", "STATE", "STALE", "LAST SEEN", "SERVICES").AlignRight("SERVICES");
        foreach (var host in hosts)
        {
            hostTable.Add(host.HostId, host.DisplayName, host.Address, host.Status.State, Show.Flag(host.Status.Stale),
                Show.Ago(host.Status.LastSeen, now), Show.Integer(host.ServiceCount));
        }

        hostTable.WriteTo(output);
        output.WriteLine();

        var serviceTable = new TextTable("SERVICE", "HOST", "KIND", "HEALTH", "ROUTABLE", "STALE", "COOLDOWN", "P50 MS", "TTFT MS", "TOK/S", "REQUESTS", "ASSETS")
            .AlignRight("P50 MS", "TTFT MS", "TOK/S", "REQUESTS");
        foreach (var service in services)
        {
            var measured = service.Measured;
            var cooldown = service.Cooldown is { } c ? $"{c.Reason} until {Show.Time(c.Until)}" : Show.None;
            serviceTable.Add(service.ServiceId, service.HostId, service.Kind, service.State?.Health ?? HealthStates.Unknown,
                Show.Flag(service.Routable), Show.Flag(service.HostStale), cooldown,
                Show.Milliseconds(measured?.P50LatencyMs ?? service.Observed?.P50LatencyMs),
                Show.Milliseconds(measured?.TtftMs),
                Show.Number(measured?.TokensPerSec ?? service.Observed?.TokensPerSec, "0.0"),
                Show.Integer(measured?.Requests),
                string.Join(", ", service.Assets.Select(a => a.Loaded ? a.AssetId + "*" : a.AssetId)));
        }

        serviceTable.WriteTo(output);
        output.WriteLine("(P50 and TOK/S are measured by the facade once it has traffic, else as the node reports them; * = loaded.)");
        output.WriteLine();

        var roleTable = new TextTable("ROLE", "OPERATION", "PREFERRED FAMILIES", "MIN CONTEXT", "FALLBACK", "BENCHMARK WORKLOADS").AlignRight("MIN CONTEXT");
        foreach (var role in roles)
        {
            roleTable.Add(role.RoleId, role.Operation, string.Join(", ", role.RoutingPolicy.PreferredFamilies),
                Show.Integer(role.RoutingPolicy.MinContext), string.Join(", ", role.RoutingPolicy.FallbackRoles),
                string.Join(", ", role.RoutingPolicy.BenchmarkWorkloads));
        }

        roleTable.WriteTo(output);
    }
}
