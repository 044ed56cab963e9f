using System.Diagnostics;
using GenieHive.Contracts;
using GenieHive.Facade.Console;
using GenieHive.Facade.Observations;
using GenieHive.Routing;
using GenieHive.Routing.Prediction;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// Measures the proxied traffic: per attempt, the service's in-flight count and its latency, time to first token and
/// speed (reported to Control as observations); per request, the facade's metrics, its trace with the route decision,
/// and the console's recent-requests ring.
/// </summary>
internal sealed class TrafficMeter(FacadeTelemetry telemetry, RecentRequests recent, TimeProvider time)
{
    /// <summary>The request's span, tagged with the route decision: the plan and the targets in the order they are tried.</summary>
    public static Activity? StartRequest(string activityName, string model, RoutePlan plan, IReadOnlyList<RouteTarget> targets, in RouteDecision decision, in RequestShape shape)
    {
        var activity = FacadeTelemetry.ActivitySource.StartActivity(activityName);
        if (activity is null)
        {
            return null;
        }

        activity.SetTag(FacadeTelemetry.ModelTag, model);
        activity.SetTag(FacadeTelemetry.RouteTypeTag, plan.MatchType);
        activity.SetTag(FacadeTelemetry.RoleTag, plan.Role?.RoleId);
        activity.SetTag(FacadeTelemetry.FallbackViaTag, plan.FallbackVia);
        activity.SetTag(FacadeTelemetry.StrategyTag, plan.Strategy);
        activity.SetTag(FacadeTelemetry.CandidatesTag, targets.Count);
        activity.SetTag(FacadeTelemetry.FirstChoiceTag, targets[0].ServiceId);
        activity.SetTag(FacadeTelemetry.RouteDecisionTag, decision.Header(plan.MatchType));
        if (decision.Affinity != AffinityOutcome.None)
        {
            activity.SetTag(FacadeTelemetry.AffinityTag, RouteDecision.Name(decision.Affinity));
            activity.SetTag(FacadeTelemetry.AffinityServiceTag, decision.AffinityServiceId);
        }

        if (shape.HasPrefix)
        {
            // What routes/resolve takes as prefix_hash, prefix_tokens and prompt_tokens to explain this conversation.
            activity.SetTag(FacadeTelemetry.PrefixHashTag, shape.PrefixHash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
            activity.SetTag(FacadeTelemetry.PrefixTokensTag, shape.PrefixTokens);
            activity.SetTag(FacadeTelemetry.PromptTokensTag, shape.PromptTokens);
        }

        if (decision.Predicted.TotalMs > 0)
        {
            activity.SetTag(FacadeTelemetry.PredictedDelayTag, Math.Round(decision.Predicted.TotalMs, 1));
        }

        activity.SetTag(FacadeTelemetry.ColdLoadTag, decision.ColdLoad);
        return activity;
    }

    /// <summary>
    /// An attempt is sent to the service: it counts as in flight there until <see cref="AttemptEnded"/>. Returns
    /// how many of this facade's requests were in flight there before it (with every slot busy its first token
    /// includes a wait, which the speed estimates leave out; with some busy it shares the engine with them). A streamed
    /// attempt's wait for its first token is watched on <paramref name="attempt"/>, counted from the end of the
    /// <paramref name="prefillMs"/> predicted for its prompt.
    /// </summary>
    public int AttemptStarted(ServiceStats stats, RouteTarget target, RequestMeter attempt, bool streams, double prefillMs)
    {
        var before = stats.Enter();
        telemetry.InFlight.Add(1);
        if (streams)
        {
            attempt.Watch = FirstTokenWatch.Start(stats, time, prefillMs, queued: before >= (target.Engine.Slots ?? 1), cold: !target.Loaded);
        }

        return before;
    }

    /// <summary>
    /// The attempt is over. <paramref name="informative"/> is false when the attempt says nothing about the service
    /// (the client left, or its own body failed); otherwise its figures join the service's window.
    /// <paramref name="before"/> is what <see cref="AttemptStarted"/> returned.
    /// </summary>
    public void AttemptEnded(ServiceStats stats, RequestMeter meter, bool informative, bool failed, string endpointName, RoutePlan plan, RouteTarget target, int before)
    {
        stats.Exit();
        telemetry.InFlight.Add(-1);
        var promptTokens = meter.PromptProcessed ?? double.NaN;
        meter.Watch.Ended(informative && !failed ? meter.PromptMs ?? double.NaN : double.NaN, promptTokens);
        if (!informative)
        {
            return;
        }

        var end = time.GetTimestamp();
        var latency = time.GetElapsedTime(meter.Start, end).TotalMilliseconds;
        // Only streamed answers have a time to first token; a JSON answer's is NaN and stays out of the TTFT figures.
        var ttft = meter.TtftMs(time);
        var tokensPerSecond = meter.TokensPerSecond(time, end);
        stats.Record(time.UnixSeconds(), latency, ttft, tokensPerSecond, failed);
        if (!failed)
        {
            LearnSpeeds(stats, meter, target, before, meter.DecodeTokensPerSecond(time, end), meter.CompletionTokens ?? double.NaN);
        }

        if (failed)
        {
            telemetry.UpstreamErrors.Add(1, new KeyValuePair<string, object?>("service", stats.ServiceId));
        }
        else if (!double.IsNaN(ttft))
        {
            telemetry.Ttft.Record(ttft, new KeyValuePair<string, object?>("kind", endpointName), new KeyValuePair<string, object?>("route_type", plan.MatchType));
        }
    }

    /// <summary>
    /// A speed probe (<see cref="SpeedProbe"/>) is sent: in flight at its service like any attempt, its first token
    /// watched. Returns how many of this facade's requests were in flight there before it.
    /// </summary>
    public int ProbeStarted(ServiceStats stats, RequestMeter probe)
    {
        var before = stats.Enter();
        telemetry.InFlight.Add(1);
        probe.Watch = FirstTokenWatch.Start(stats, time, prefillMs: 0, queued: false, cold: false);
        return before;
    }

    /// <summary>
    /// The probe is over. Its first token has joined the service's time to first token when it came; an
    /// <paramref name="answered"/> probe adds its decode speed. Not its length (a probe's answer is shorter than
    /// the service's usual one), and not the observation window reported to Control: the probe is no client's request.
    /// </summary>
    public void ProbeEnded(ServiceStats stats, RequestMeter probe, RouteTarget target, bool answered, int before)
    {
        stats.Exit();
        telemetry.InFlight.Add(-1);
        probe.Watch.Ended(answered ? probe.PromptMs ?? double.NaN : double.NaN, probe.PromptProcessed ?? double.NaN);
        if (answered)
        {
            LearnSpeeds(stats, probe, target, before, probe.DecodeTokensPerSecond(time, time.GetTimestamp()), completionTokens: double.NaN);
        }
    }

    /// <summary>An answered attempt's speeds join the service's estimates; <paramref name="before"/> others were running beside it.</summary>
    private static void LearnSpeeds(ServiceStats stats, RequestMeter meter, RouteTarget target, int before, double tokensPerSecond, double completionTokens)
    {
        var slots = target.Engine.Slots ?? 1;
        stats.Speeds.Add(tokensPerSecond, meter.PromptTokensPerSecond ?? double.NaN, meter.PromptProcessed ?? double.NaN, completionTokens, sharedWith: Math.Min(before, slots - 1));
    }

    public void Failover(string endpointName) =>
        telemetry.Failovers.Add(1, new KeyValuePair<string, object?>("kind", endpointName));

    /// <summary>The request is answered: its trace tags, request count and duration, and its line in the recent requests.</summary>
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
        var durationMs = time.GetElapsedTime(request.Start).TotalMilliseconds;
        telemetry.Requests.Add(1, tags);
        telemetry.Duration.Record(durationMs, tags);

        // One struct copy, after the response has been written.
        var plan = request.Plan;
        recent.Add(new RecentRequest(
            time.UnixSeconds(), request.RequestId, request.EndpointName, request.Model, plan.MatchType, plan.Role?.RoleId,
            plan.FallbackVia, plan.Strategy, request.FirstChoice.ServiceId, request.Service?.ServiceId, request.Candidates,
            request.Attempts, status, request.TtftMs, durationMs));
    }
}

/// <summary>
/// What became of one routed request: its route, the first choice and how many targets it had, the service that
/// answered last, how many tries, the status, and the last attempt's time to first token (NaN when not streamed).
/// </summary>
internal readonly record struct ForwardedRequest(
    string EndpointName,
    string RequestId,
    string Model,
    RoutePlan Plan,
    RouteTarget FirstChoice,
    int Candidates,
    RouteTarget? Service,
    int Attempts,
    int StatusCode,
    double TtftMs,
    long Start);
