using GenieHive.Contracts.Cluster;
using GenieHive.Control.Observations;
using GenieHive.Control.Registry;
using GenieHive.Routing;

namespace GenieHive.Control.Routing;

/// <summary>Hosts and services as the operator API and the routing table show them, at one instant.</summary>
public sealed record ClusterState(double Now, List<HostView> Hosts, List<ServiceView> Services, List<string> StaleHosts);

/// <summary>
/// Turns the registry and the facades' observations into views: staleness and cooldowns evaluated at
/// <c>now</c>, <c>routable</c> by the routing brain's own rule (<see cref="Routability"/>). Listings and the routing table share
/// this, so <c>/v1/cluster/services</c> shows exactly what the facade routes on.
/// </summary>
public sealed class ClusterViews(ClusterRegistry registry, ObservationMerger observations)
{
    public ClusterState Capture(double now)
    {
        var snapshot = registry.Snapshot();
        var merged = observations.Current;

        var hosts = new List<HostView>(snapshot.Hosts.Count);
        var hostsById = new Dictionary<string, HostView>(snapshot.Hosts.Count, StringComparer.Ordinal);
        var staleHosts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var host in snapshot.Hosts)
        {
            var view = registry.ToView(host, now);
            hosts.Add(view);
            hostsById[host.HostId] = view;
            if (view.Status.Stale)
            {
                staleHosts.Add(host.HostId);
            }
        }

        hosts.Sort((a, b) => string.CompareOrdinal(a.HostId, b.HostId));

        var services = new List<ServiceView>(snapshot.Services.Count);
        foreach (var record in snapshot.Services)
        {
            merged.TryGetValue(record.ServiceId, out var observation);
            services.Add(ToView(record, hostsById.GetValueOrDefault(record.HostId), staleHosts.Contains(record.HostId), observation, now));
        }

        services.Sort(static (a, b) =>
        {
            var byHost = string.CompareOrdinal(a.HostId, b.HostId);
            return byHost != 0 ? byHost : string.CompareOrdinal(a.ServiceId, b.ServiceId);
        });

        return new ClusterState(now, hosts, services, [.. staleHosts.Order(StringComparer.Ordinal)]);
    }

    /// <summary>
    /// A host as the routing table carries it: what routing reads (identity, labels, capabilities, resources, state,
    /// staleness), without what every heartbeat changes (<c>metrics</c>, <c>status.last_seen</c> sent as 0,
    /// <c>status.stale_for_seconds</c>). Otherwise each heartbeat would change its host's element, and every version's
    /// delta would carry every host heard since the last one whether or not routing moved; the listings
    /// (<c>/v1/cluster/hosts</c>) keep those figures.
    /// </summary>
    public static HostView ForRouting(HostView host) => host with
    {
        Metrics = null,
        Status = new HostStatus(host.Status.State, 0, host.Status.Stale),
    };

    public static ServiceView ToView(ServiceRecord record, HostView? host, bool hostStale, MergedObservation? observation, double now)
    {
        var service = record.Service;
        var cooldown = observation?.Cooldown is { } active && active.Until > now ? active : null;
        var view = new ServiceView
        {
            ServiceId = service.ServiceId,
            HostId = record.HostId,
            Kind = service.Kind,
            Protocol = service.Protocol,
            Endpoint = service.Endpoint,
            Runtime = service.Runtime,
            Assets = service.Assets,
            State = service.State,
            Observed = service.Observed,
            Measured = observation?.Measured,
            Cooldown = cooldown,
            HostStale = hostStale,
            UpdatedAt = record.UpdatedAt,
        };
        return view with { Routable = Routability.Refusal(view, host, now) is null };
    }
}
