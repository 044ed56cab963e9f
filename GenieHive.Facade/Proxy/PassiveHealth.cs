using GenieHive.Contracts;
using GenieHive.Facade.Observations;
using GenieHive.Routing;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// Passive health from real traffic (YARP's PassiveHealthCheckMiddleware, for this proxy): a failed attempt cools its
/// service down (doubling per consecutive failure, or for a 429's <c>Retry-After</c>), an answered one ends the
/// failure streak. The selector then skips services cooling down until their time is up.
/// </summary>
internal sealed partial class PassiveHealth(ServiceLoadTracker tracker, TimeProvider time, ILogger<PassiveHealth> logger)
{
    private const double MaxRetryAfterSeconds = 3600;

    /// <summary>Puts the service into cooldown after a failed attempt.</summary>
    public void OnFailure(ServiceStats stats, AttemptResult failure, string requestId, double? retryAfterSeconds = null)
    {
        var reason = failure switch
        {
            AttemptResult.TimedOut => CooldownReasons.Timeout,
            AttemptResult.ServerError => CooldownReasons.ServerError,
            AttemptResult.RateLimited => CooldownReasons.RateLimited,
            _ => CooldownReasons.ConnectFailed,
        };
        var seconds = tracker.CoolDown(stats, NowSeconds(), reason, retryAfterSeconds);
        LogCooldown(logger, requestId, stats.ServiceId, failure, seconds);
    }

    /// <summary>The service answered (also with a 4xx, which is the request's fault): its failure streak ends.</summary>
    public static void OnAnswered(ServiceStats stats) => stats.Succeeded();

    /// <summary>How long a 429 asks to wait, from its <c>Retry-After</c> (seconds or a date), bounded to an hour.</summary>
    public double? RetryAfterSeconds(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        double? seconds = header switch
        {
            { Delta: { } delta } => delta.TotalSeconds,
            { Date: { } date } => (date - time.GetUtcNow()).TotalSeconds,
            _ => null,
        };
        return seconds is { } s ? Math.Clamp(s, 0.001, MaxRetryAfterSeconds) : null;
    }

    /// <summary>When every target of the plan is cooling down, whole seconds until the first is back; else null.</summary>
    public int? SecondsUntilATargetIsBack(RoutePlan plan)
    {
        if (plan.Targets.IsDefaultOrEmpty)
        {
            return null;
        }

        var now = NowSeconds();
        var soonest = double.MaxValue;
        foreach (var target in plan.Targets)
        {
            var until = Math.Max(target.CooldownUntil ?? 0, tracker.CooldownUntil(target.ServiceId) ?? 0);
            soonest = Math.Min(soonest, until);
        }

        return soonest > now && soonest < double.MaxValue ? Math.Max(1, (int)Math.Ceiling(soonest - now)) : null;
    }

    private double NowSeconds() => time.UnixSeconds();

    [LoggerMessage(1, LogLevel.Debug, "Request {RequestId}: {ServiceId} failed with {Failure}; cooling down for {Seconds} s")]
    private static partial void LogCooldown(ILogger logger, string requestId, string serviceId, AttemptResult failure, double seconds);
}
