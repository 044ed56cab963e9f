using System.Diagnostics;

// The Aspire convention: the defaults live in the hosting namespace so every service finds them without a using.
#pragma warning disable IDE0130
namespace Microsoft.Extensions.Hosting;
#pragma warning restore IDE0130

/// <summary>
/// Spans of background loops (heartbeats, discovery, the routing-table watch, observation reports). A tick starts
/// its span with <see cref="StartTick"/>; as a root it is recorded but not sampled (see the defaults' sampler), so
/// nothing of a routine tick is exported, and the calls it makes carry a not-sampled trace context, so the services
/// it calls record nothing of it either. A tick that failed or changed something calls <see cref="Fail"/> or
/// <see cref="Keep"/> before its span ends, and that span is exported. The dashboard's trace list then shows client
/// requests and the ticks worth reading, not a root per tick.
/// </summary>
public static class BackgroundTraces
{
    /// <summary>Set when a tick's span starts: the sampler tells a tick from a client request by it.</summary>
    public const string TickTag = "geniehive.background";

    private static readonly KeyValuePair<string, object?>[] s_tickTags = [new(TickTag, true)];

    /// <summary>Starts a tick's span (null when nothing listens: no OTLP endpoint).</summary>
    public static Activity? StartTick(ActivitySource source, string name) =>
        source.StartActivity(name, ActivityKind.Internal, parentContext: default, tags: s_tickTags);

    /// <summary>Exports this tick's span: it changed something worth seeing in the trace list.</summary>
    public static void Keep(Activity? tick)
    {
        if (tick is not null)
        {
            tick.ActivityTraceFlags |= ActivityTraceFlags.Recorded;
        }
    }

    /// <summary>Exports this tick's span marked as an error, with <paramref name="reason"/> as its status description.</summary>
    public static void Fail(Activity? tick, string reason)
    {
        tick?.SetStatus(ActivityStatusCode.Error, reason);
        Keep(tick);
    }
}
