using GenieHive.Contracts;
using GenieHive.Routing;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// The headers that tell the client how its request was routed: which service answered (<c>X-GenieHive-Service</c>),
/// and by what match and decision (<c>X-GenieHive-Route</c>: <c>role;affinity=hit</c>, <c>role;spill</c>,
/// <c>direct;cold-load</c>, <c>role;failover</c> when another target answered than the first choice).
/// </summary>
internal static class RouteHeaders
{
    /// <summary>Records the route decision as soon as it is made (before any attempt), so every answer carries it.</summary>
    public static void Decided(HttpContext context, string route) => context.Response.Headers[GenieHiveHeaders.RouteType] = route;

    /// <summary>The first choice did not answer: the route header says the answer came by failover.</summary>
    public static void FailedOver(HttpContext context, RoutePlan plan) =>
        context.Response.Headers[GenieHiveHeaders.RouteType] = plan.MatchType + ";failover";

    public static void Set(HttpContext context, RoutePlan plan, RouteTarget? target)
    {
        var headers = context.Response.Headers;
        if (target is not null)
        {
            headers[GenieHiveHeaders.ServiceId] = target.ServiceId;
        }

        if (!headers.ContainsKey(GenieHiveHeaders.RouteType))
        {
            headers[GenieHiveHeaders.RouteType] = plan.MatchType;
        }
    }
}
