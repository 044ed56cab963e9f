using GenieHive.Contracts;
using GenieHive.Routing;

namespace GenieHive.Facade.Proxy;

/// <summary>The headers that tell the client how its request was routed (which service answered, and by what match).</summary>
internal static class RouteHeaders
{
    public static void Set(HttpContext context, RoutePlan plan, RouteTarget? target)
    {
        var headers = context.Response.Headers;
        if (target is not null)
        {
            headers[GenieHiveHeaders.ServiceId] = target.ServiceId;
        }

        headers[GenieHiveHeaders.RouteType] = plan.MatchType;
    }
}
