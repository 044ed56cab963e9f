using System.Text;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Routing.Planning;

namespace GenieHive.Routing;

/// <summary>
/// Whether a service takes new requests: the one rule behind <c>routable</c> in Control's listings and routing table,
/// the routing snapshot's direct and role plans (the facade's routing and <c>routes/resolve</c>), and the benchmark
/// planner. A service is routable when it is healthy, its host is not stale, it accepts requests, its availability
/// does not refuse work, its host's model-family rules allow it, and no cooldown holds it at that instant.
/// </summary>
/// <remarks>
/// The rule compares canonical values only (<see cref="HealthStates"/>, <see cref="Availability"/>): Control
/// normalises what nodes report once, at registration and heartbeat, so no caller lower-cases on its own.
/// </remarks>
public static class Routability
{
    /// <summary>
    /// Why <paramref name="service"/> takes no new request at <paramref name="now"/> (Unix seconds), as an
    /// <see cref="ExclusionReasons"/> value (<c>availability:draining</c>, <c>host_stale</c>, ...), or null when it is routable.
    /// </summary>
    public static string? Refusal(ServiceView service, HostView? host, double now) =>
        RefusesWork(service, HostAttributes.From(host)) ?? (service.Cooldown?.Until > now ? ExclusionReasons.CoolingDown : null);

    /// <summary>The clock-free part of <see cref="Refusal"/>: everything but cooldowns, which expire with time.</summary>
    internal static string? RefusesWork(ServiceView service, HostAttributes host)
    {
        var state = service.State;
        if (state?.Health != HealthStates.Healthy)
        {
            return ExclusionReasons.Health(state?.Health);
        }

        if (service.HostStale)
        {
            return ExclusionReasons.HostStale;
        }

        if (state.AcceptRequests == false)
        {
            return ExclusionReasons.NotAccepting;
        }

        if (Availability.RefusesWork(state.Availability))
        {
            return ExclusionReasons.Availability(state.Availability!);
        }

        if (host.AllowedFamilies.Length > 0)
        {
            var text = HostFamilyText(service);
            if (!host.AllowedFamilies.Any(family => text.Contains(family, StringComparison.Ordinal)))
            {
                return ExclusionReasons.HostFamilyRestricted;
            }
        }

        return null;
    }

    /// <summary>The reference's host family text: service id, asset ids and every non-empty runtime value, lower-cased.</summary>
    private static string HostFamilyText(ServiceView service)
    {
        var text = new StringBuilder(service.ServiceId);
        foreach (var asset in service.Assets)
        {
            text.Append(' ').Append(asset.AssetId);
        }

        foreach (var (_, value) in ServiceFacts.RuntimeEntries(service))
        {
            text.Append(' ').Append(value);
        }

        return text.ToString().ToLowerInvariant();
    }
}
