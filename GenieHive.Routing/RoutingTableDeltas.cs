using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Routing;
using GenieHive.Routing.Planning;

namespace GenieHive.Routing;

/// <summary>
/// Applies a <see cref="RoutingTableDelta"/> to the table it continues: the result is the table Control published at
/// the delta's version (same elements, in the order Control sends them), and the change set that tells the plan
/// builder what to rebuild. Elements the delta does not name are the same objects as before, so nothing downstream
/// has to compare them.
/// </summary>
internal static class RoutingTableDeltas
{
    // The orders Control sends (ClusterViews, BenchmarkSampleStore.LatestPerWorkload), restored after an addition.
    private static readonly Comparison<ServiceView> ServiceOrder = static (a, b) =>
    {
        var byHost = string.CompareOrdinal(a.HostId, b.HostId);
        return byHost != 0 ? byHost : string.CompareOrdinal(a.ServiceId, b.ServiceId);
    };

    private static readonly Comparison<HostView> HostOrder = static (a, b) => string.CompareOrdinal(a.HostId, b.HostId);

    private static readonly Comparison<BenchmarkSample> SampleOrder = static (a, b) =>
    {
        var byService = string.CompareOrdinal(a.ServiceId, b.ServiceId);
        if (byService != 0)
        {
            return byService;
        }

        var byWorkload = string.CompareOrdinal(a.Workload, b.Workload);
        return byWorkload != 0 ? byWorkload : string.CompareOrdinal(a.BenchmarkId, b.BenchmarkId);
    };

    /// <summary>Whether <paramref name="delta"/> continues <paramref name="table"/>: same history, from its version.</summary>
    public static bool Continues(RoutingTable table, RoutingTableDelta delta) =>
        table.TableId is not null
        && string.Equals(table.TableId, delta.TableId, StringComparison.Ordinal)
        && table.Version == delta.FromVersion
        && delta.Version > delta.FromVersion;

    public static RoutingTable Apply(RoutingTable table, RoutingTableDelta delta, out TableChangeSet change)
    {
        if (!Continues(table, delta))
        {
            throw new InvalidOperationException(
                $"A delta from version {delta.FromVersion} of table {delta.TableId} does not continue version {table.Version} of table {table.TableId}.");
        }

        var services = new Dictionary<string, ServiceView?>(StringComparer.Ordinal);
        var hosts = new Dictionary<string, HostView?>(StringComparer.Ordinal);
        var roles = new Dictionary<string, RoleView?>(StringComparer.Ordinal);
        var samples = new Dictionary<string, BenchmarkSample?>(StringComparer.Ordinal);
        var sampleServices = new HashSet<string>(StringComparer.Ordinal);

        var next = new RoutingTable
        {
            Version = delta.Version,
            TableId = delta.TableId,
            GeneratedAt = delta.GeneratedAt,
            Strategy = delta.Strategy,
            HostTimeoutSeconds = delta.HostTimeoutSeconds,
            Services = Merge(table.Services, delta.Services, delta.RemovedServices, RoutingTableKeys.Of, ServiceOrder, services, out _),
            Hosts = Merge(table.Hosts, delta.Hosts, delta.RemovedHosts, RoutingTableKeys.Of, HostOrder, hosts, out _),
            Roles = Merge(table.Roles, delta.Roles, delta.RemovedRoles, RoutingTableKeys.Of, order: null, roles, out _),
            Benchmarks = Merge(table.Benchmarks, delta.Benchmarks, delta.RemovedBenchmarks, RoutingTableKeys.Of, SampleOrder, samples, out var replacedSamples),
        };

        // A sample that moved, went or came changes the scores of the services it was and is about.
        foreach (var sample in replacedSamples)
        {
            sampleServices.Add(sample.ServiceId);
        }

        foreach (var sample in delta.Benchmarks)
        {
            sampleServices.Add(sample.ServiceId);
        }

        change = new TableChangeSet
        {
            Services = services,
            Hosts = hosts,
            SampleServices = sampleServices,
            RolesChanged = roles.Count > 0,
            SettingsChanged = table.Strategy != delta.Strategy || table.HostTimeoutSeconds != delta.HostTimeoutSeconds,
        };
        return next;
    }

    /// <summary>
    /// The list with <paramref name="upserted"/> replacing or joining and <paramref name="removed"/> leaving, each key
    /// recorded in <paramref name="changed"/> (null for a removal); <paramref name="replaced"/> gets the elements that
    /// were replaced or removed.
    /// </summary>
    private static List<T> Merge<T>(
        List<T> current, List<T> upserted, List<string> removed, Func<T, string> key, Comparison<T>? order,
        Dictionary<string, T?> changed, out List<T> replaced)
        where T : class
    {
        replaced = [];
        if (upserted.Count == 0 && removed.Count == 0)
        {
            return current;
        }

        var incoming = new Dictionary<string, T>(upserted.Count, StringComparer.Ordinal);
        foreach (var item in upserted)
        {
            incoming[key(item)] = item;
        }

        var gone = new HashSet<string>(removed, StringComparer.Ordinal);
        var merged = new List<T>(current.Count + upserted.Count);
        var moved = false;
        foreach (var item in current)
        {
            var k = key(item);
            if (incoming.Remove(k, out var replacement))
            {
                merged.Add(replacement);
                changed[k] = replacement;
                replaced.Add(item);
                moved |= order is not null && order(item, replacement) != 0;
            }
            else if (gone.Contains(k))
            {
                changed[k] = null;
                replaced.Add(item);
            }
            else
            {
                merged.Add(item);
            }
        }

        foreach (var (k, item) in incoming)
        {
            merged.Add(item);
            changed[k] = item;
        }

        // Only an addition or a replacement that sorts elsewhere (a service that moved host) needs a sort.
        if (order is not null && (moved || incoming.Count > 0))
        {
            merged.Sort(order);
        }

        return merged;
    }
}
