using System.Runtime.CompilerServices;
using GenieHive.Contracts;
using GenieHive.Facade.Keys;
using GenieHive.Facade.Observations;
using GenieHive.Facade.Routing;
using GenieHive.Routing;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// The request path of every proxied endpoint: reads the request through its endpoint, routes it from the local
/// snapshot (no call to Control), and tries the ordered targets one <see cref="UpstreamAttempt"/> at a time until one
/// answers. Before the client has a byte it fails over; after, a broken answer ends with the endpoint's error event.
/// Passive health and the meter hear of every attempt; the final error is written in the endpoint's shape.
/// </summary>
internal sealed partial class FailoverForwarder(
    RoutingState routing,
    ServiceLoadTracker tracker,
    UpstreamAttempt attempt,
    PassiveHealth health,
    TrafficMeter meter,
    KeyAccounting keys,
    IOptions<ProxyOptions> options,
    TimeProvider time,
    ILogger<FailoverForwarder> logger)
{
    private readonly TimeSpan _firstByteTimeout = TimeSpan.FromSeconds(options.Value.FirstByteTimeoutSeconds);
    private readonly TimeSpan _idleTimeout = TimeSpan.FromSeconds(options.Value.StreamIdleTimeoutSeconds);

    public async Task ForwardAsync<TRequest>(HttpContext context, ProxyEndpoint<TRequest> endpoint)
        where TRequest : ProxyRequest
    {
        var start = time.GetTimestamp();
        await using var request = await endpoint.ReadAsync(context);
        if (request is null)
        {
            return;
        }

        var errors = endpoint.Errors;
        if (keys.Admit(context, request) is { } refusal)
        {
            await errors.WriteKeyRefusalAsync(context, refusal);
            return;
        }

        if (routing.Current is not { } snapshot)
        {
            await errors.WriteRoutingTableUnavailableAsync(context);
            keys.RequestEnded(context, request.Model, null, null, null, null, start);
            return;
        }

        var plan = snapshot.Find(request.Model, endpoint.Kind);
        if (plan is null)
        {
            await errors.WriteModelNotFoundAsync(context, request.Model);
            keys.RequestEnded(context, request.Model, null, null, null, null, start);
            return;
        }

        var targets = routing.Selector.Order(plan, tracker, NowSeconds(), request.Shape, out var decision);
        if (targets.Count == 0)
        {
            await errors.WriteNoHealthyTargetAsync(context, endpoint.Kind, request.Model, health.SecondsUntilATargetIsBack(plan));
            keys.RequestEnded(context, request.Model, plan, null, null, null, start);
            return;
        }

        SignalClampLog.Check(logger, targets[0]);
        RouteHeaders.Decided(context, decision.Header(plan.MatchType));
        using var activity = TrafficMeter.StartRequest(endpoint.ActivityName, request.Model, plan, targets, decision, request.Shape);
        var requestId = context.Response.Headers[GenieHiveHeaders.RequestId].ToString();
        TargetFailure? failure = null;
        RouteTarget? last = null;
        RequestMeter? lastMeter = null;
        var attempts = 0;
        for (var i = 0; i < targets.Count; i++)
        {
            if (i > 0)
            {
                if (!request.CanRetry)
                {
                    break;
                }

                meter.Failover(endpoint.Name);
                RouteHeaders.FailedOver(context, plan);
                LogFailover(logger, requestId, last!.ServiceId, targets[i].ServiceId, failure!.Result);
            }

            last = targets[i];
            attempts++;
            lastMeter = new RequestMeter(start);
            // The first choice's prefill was predicted; a failover target's was not (its wait is then judged from the send).
            var prefillMs = i == 0 ? decision.Predicted.PrefillMs : 0;
            failure = await TryTargetAsync(context, endpoint, request, plan, last, requestId, lastMeter, prefillMs);
            if (failure is null || failure.Result == AttemptResult.ClientBodyFailed)
            {
                break;
            }
        }

        if (failure is not null && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            await WriteFailureAsync(context, errors, failure, request, plan, last);
        }

        meter.RequestEnded(activity, new ForwardedRequest(
            endpoint.Name, requestId, request.Model, plan, targets[0], targets.Count, last, attempts, context.Response.StatusCode,
            lastMeter?.TtftMs(time) ?? double.NaN, start));
        // A stream without usage still counts: one token per content chunk, as the meter counts it.
        var completionTokens = lastMeter is null ? null : lastMeter.CompletionTokens ?? (lastMeter.Streamed ? lastMeter.ContentChunks : null);
        keys.RequestEnded(context, request.Model, plan, last, lastMeter?.PromptTokens, completionTokens, start);
    }

    /// <summary>
    /// One target: an attempt, then the relay of its answer. Null when the client got an answer (or left); otherwise
    /// why not, with nothing written to the client, so the next target may be tried.
    /// </summary>
    /// <remarks>
    /// The per-request steps below this (read, attempt, relay) complete asynchronously on every request, so each
    /// would allocate its state machine every time; pooled ValueTask builders reuse them (bench/run.sh, allocations:
    /// 6.6 KB a chat request before this split, 6.2 KB after).
    /// </remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<TargetFailure?> TryTargetAsync<TRequest>(
        HttpContext context,
        ProxyEndpoint<TRequest> endpoint,
        TRequest request,
        RoutePlan plan,
        RouteTarget target,
        string requestId,
        RequestMeter attemptMeter,
        double prefillMs)
        where TRequest : ProxyRequest
    {
        var stats = tracker.Get(target.ServiceId);
        var before = meter.AttemptStarted(stats, target, attemptMeter, request.Streams, prefillMs);
        RequestMeter? measured = attemptMeter;
        var failed = false;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        cts.CancelAfter(_firstByteTimeout);
        var deadline = new AttemptDeadline(cts, _idleTimeout);
        var outcome = default(AttemptOutcome);
        try
        {
            outcome = await attempt.SendAsync(context, endpoint, request, target, deadline, requestId);
            switch (outcome.Result)
            {
                case AttemptResult.Answered:
                    var relay = endpoint.SelectRelay(request, target, outcome.Response!);
                    var relayed = await relay.RelayAsync(new RelayContext(context, outcome.Response!, deadline, measured, plan, target, time));
                    var fault = relayed.TimedOut ? AttemptResult.TimedOut : AttemptResult.Unreachable;
                    switch (relayed.Status)
                    {
                        case RelayStatus.Completed:
                            PassiveHealth.OnAnswered(stats);
                            return null;
                        case RelayStatus.ClientGone:
                            measured = null;
                            return null;
                        case RelayStatus.Interrupted:
                            failed = true;
                            if (relayed.Malformed is not null)
                            {
                                health.OnFailure(stats, AttemptResult.ServerError, requestId);
                            }

                            LogInterrupted(logger, requestId, target.ServiceId, fault);
                            await BrokenResponse.EndAsync(context, relay.SendsEvents ? endpoint.Errors.StreamErrorEvent(relayed.TimedOut) : default, time);
                            return null;
                        case RelayStatus.FailedBeforeCommit when relayed.Malformed is { } why:
                            failed = true;
                            LogUnusable(logger, requestId, target.ServiceId, why);
                            health.OnFailure(stats, AttemptResult.ServerError, requestId);
                            return new TargetFailure(AttemptResult.ServerError, UpstreamErrorAnswer.Unusable(why));
                        default:
                            failed = true;
                            health.OnFailure(stats, fault, requestId);
                            return TargetFailure.Of(fault);
                    }

                case AttemptResult.Refused:
                    // The request's fault, not the service's: relayed as it is, never tried elsewhere.
                    var refusal = await UpstreamErrorAnswer.ReadAsync(outcome.Response!, deadline);
                    measured.OnBytes(time.GetTimestamp());
                    RouteHeaders.Set(context, plan, target);
                    await endpoint.Errors.WriteUpstreamErrorAsync(context, refusal);
                    PassiveHealth.OnAnswered(stats);
                    return null;
                case AttemptResult.ServerError or AttemptResult.RateLimited:
                    failed = true;
                    var retryAfter = outcome.Result == AttemptResult.RateLimited ? health.RetryAfterSeconds(outcome.Response!) : null;
                    var answer = await UpstreamErrorAnswer.ReadAsync(outcome.Response!, deadline, retryAfter);
                    health.OnFailure(stats, outcome.Result, requestId, retryAfter);
                    return new TargetFailure(outcome.Result, answer);
                case AttemptResult.Unreachable or AttemptResult.TimedOut:
                    failed = true;
                    health.OnFailure(stats, outcome.Result, requestId);
                    return TargetFailure.Of(outcome.Result);
                case AttemptResult.ClientBodyFailed:
                    measured = null;
                    return TargetFailure.Of(outcome.Result);
                default:
                    measured = null;
                    return null;
            }
        }
        finally
        {
            outcome.Dispose();
            meter.AttemptEnded(stats, attemptMeter, measured is not null, failed, endpoint.Name, plan, target, before);
        }
    }

    private static Task WriteFailureAsync(HttpContext context, ProxyErrorWriter errors, TargetFailure failure, ProxyRequest request, RoutePlan plan, RouteTarget? last)
    {
        if (request.ClientFailure is { } clientFailure)
        {
            return errors.WriteClientErrorAsync(context, clientFailure);
        }

        switch (failure.Result)
        {
            case AttemptResult.ServerError or AttemptResult.RateLimited:
                RouteHeaders.Set(context, plan, last);
                return errors.WriteUpstreamErrorAsync(context, failure.Answer!);
            case AttemptResult.TimedOut:
                return errors.WriteTimedOutAsync(context, request.Model);
            default:
                return errors.WriteUnreachableAsync(context, request.Model);
        }
    }

    private double NowSeconds() => time.UnixSeconds();

    [LoggerMessage(1, LogLevel.Debug, "Request {RequestId}: failing over from {FromService} to {ToService} after {Failure}")]
    private static partial void LogFailover(ILogger logger, string requestId, string fromService, string toService, AttemptResult failure);

    [LoggerMessage(2, LogLevel.Debug, "Request {RequestId}: stream from {ServiceId} interrupted ({Failure})")]
    private static partial void LogInterrupted(ILogger logger, string requestId, string serviceId, AttemptResult failure);

    [LoggerMessage(3, LogLevel.Warning, "Request {RequestId}: {ServiceId} answered {Problem}; failing over")]
    private static partial void LogUnusable(ILogger logger, string requestId, string serviceId, string problem);

    /// <summary>Why a target did not answer; for a 5xx or 429 its answer, relayed if no other target does better.</summary>
    private sealed record TargetFailure(AttemptResult Result, UpstreamErrorAnswer? Answer = null)
    {
        private static readonly TargetFailure Unreachable = new(AttemptResult.Unreachable);
        private static readonly TargetFailure TimedOut = new(AttemptResult.TimedOut);
        private static readonly TargetFailure ClientBody = new(AttemptResult.ClientBodyFailed);

        /// <summary>A failure without an answer to keep (shared: failing over allocates nothing for it).</summary>
        public static TargetFailure Of(AttemptResult result) => result switch
        {
            AttemptResult.TimedOut => TimedOut,
            AttemptResult.ClientBodyFailed => ClientBody,
            _ => Unreachable,
        };
    }
}
