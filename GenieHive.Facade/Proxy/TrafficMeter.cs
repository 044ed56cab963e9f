using System.Diagnostics;
using GenieHive.Contracts;
using GenieHive.Facade.Observations;
using GenieHive.Routing;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// Measures the proxied traffic: per attempt, the service's in-flight count and its latency, time to first token and
/// speed (reported to Control as observations); per request, the facade's metrics and trace.
/// </summary>
internal sealed class TrafficMeter(FacadeTelemetry telemetry, TimeProvider time)
{
    public static Activity? StartRequest(string activityName, string model, RoutePlan plan)
    {
        var activity = FacadeTelemetry.ActivitySource.StartActivity(activityName);
        activity?.SetTag(FacadeTelemetry.ModelTag, model);
        activity?.SetTag(FacadeTelemetry.RouteTypeTag, plan.MatchType);
        return activity;
    }

    /// <summary>An attempt is sent to the service: it counts as in flight there until <see cref="AttemptEnded"/>.</summary>
    public void AttemptStarted(ServiceStats stats)
    {
        stats.Enter();
        telemetry.InFlight.Add(1);
    }

    /// <summary>
    /// The attempt is over. <paramref name="meter"/> is null when the attempt says nothing about the service (the
    /// client left, or its own body failed); otherwise its figures join the service's window.
    /// </summary>
    public void AttemptEnded(ServiceStats stats, RequestMeter? meter, bool failed, string endpointName, RoutePlan plan)
    {
        stats.Exit();
        telemetry.InFlight.Add(-1);
        if (meter is null)
        {
            return;
        }

        var end = time.GetTimestamp();
        var latency = time.GetElapsedTime(meter.Start, end).TotalMilliseconds;
        // Only streamed answers have a time to first token; a JSON answer's is NaN and stays out of the TTFT figures.
        var ttft = meter.TtftMs(time);
        stats.Record(time.UnixSeconds(), latency, ttft, meter.TokensPerSecond(time, end), failed);
        if (failed)
        {
            telemetry.UpstreamErrors.Add(1, new KeyValuePair<string, object?>("service", stats.ServiceId));
        }
        else if (!double.IsNaN(ttft))
        {
            telemetry.Ttft.Record(ttft, new KeyValuePair<string, object?>("kind", endpointName), new KeyValuePair<string, object?>("route_type", plan.MatchType));
        }
    }

    public void Failover(string endpointName) =>
        telemetry.Failovers.Add(1, new KeyValuePair<string, object?>("kind", endpointName));

    /// <summary>The request is answered: its trace tags, request count and duration.</summary>
    public void RequestEnded(Activity? activity, in ForwardedRequest request)
    {
        var status = request.StatusCode;
        activity?.SetTag(FacadeTelemetry.ServiceIdTag, request.Service?.ServiceId);
        activity?.SetTag(FacadeTelemetry.AttemptsTag, request.Attempts);
        if (status >= 500)
        {
            activity?.SetStatus(ActivityStatusCode.Error);
        }

        var tags = new TagList
        {
            { "kind", request.EndpointName },
            { "route_type", request.Plan.MatchType },
            { "service", request.Service?.ServiceId ?? "none" },
            { "status_code", FacadeTelemetry.StatusCodeTag(status) },
        };
        telemetry.Requests.Add(1, tags);
        telemetry.Duration.Record(time.GetElapsedTime(request.Start).TotalMilliseconds, tags);
    }
}

/// <summary>What became of one routed request: its route, the service that answered last, how many tries, the status.</summary>
internal readonly record struct ForwardedRequest(
    string EndpointName,
    string Model,
    RoutePlan Plan,
    RouteTarget? Service,
    int Attempts,
    int StatusCode,
    long Start);
