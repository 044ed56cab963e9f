using System.Diagnostics;
using GenieHive.Contracts;
using GenieHive.Facade.Console;
using GenieHive.Facade.Errors;
using GenieHive.Facade.Observations;
using GenieHive.Facade.Routing;
using GenieHive.Routing;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// The request path: validate, route from the local snapshot (no call to Control), shape the body for each
/// target, and forward with failover until one target answers. Relaying is in <c>ProxyForwarder.Relay.cs</c>,
/// one attempt in <c>ProxyForwarder.Attempt.cs</c>.
/// </summary>
internal sealed partial class ProxyForwarder(
    UpstreamClient upstream,
    RoutingState routing,
    ServiceLoadTracker tracker,
    FacadeTelemetry telemetry,
    RecentRequests recent,
    IOptions<ProxyOptions> proxyOptions,
    IOptions<LimitsOptions> limitsOptions,
    TimeProvider time,
    ILogger<ProxyForwarder> logger)
{
    private readonly TimeSpan _firstByteTimeout = TimeSpan.FromSeconds(proxyOptions.Value.FirstByteTimeoutSeconds);
    private readonly TimeSpan _idleTimeout = TimeSpan.FromSeconds(proxyOptions.Value.StreamIdleTimeoutSeconds);
    private readonly int _maxBodyBytes = limitsOptions.Value.MaxRequestBodyBytes;

    /// <summary>Forwards a JSON endpoint (chat, legacy completions, embeddings).</summary>
    public async Task ForwardJsonAsync(HttpContext context, OpenAiOperation operation)
    {
        var start = time.GetTimestamp();
        var request = context.Request;
        if (!MediaTypes.IsJson(request.ContentType))
        {
            await OpenAiErrors.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType,
                "The request body must be JSON (Content-Type: application/json).", OpenAiErrorTypes.InvalidRequest, OpenAiErrorCodes.UnsupportedMediaType);
            return;
        }

        if (request.ContentLength > _maxBodyBytes)
        {
            await WriteTooLargeAsync(context, _maxBodyBytes);
            return;
        }

        using var body = await RequestBodyReader.ReadAsync(context, _maxBodyBytes);
        if (body is null)
        {
            await WriteTooLargeAsync(context, _maxBodyBytes);
            return;
        }

        var scanned = JsonRequestScanner.Scan(body.Span);
        if (scanned.Error is { } error)
        {
            await OpenAiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, error, OpenAiErrorTypes.InvalidRequest, scanned.ErrorCode, scanned.ErrorParam);
            return;
        }

        if (MissingField(operation, scanned) is { } missing)
        {
            await OpenAiErrors.WriteAsync(context, StatusCodes.Status400BadRequest, missing.Message, OpenAiErrorTypes.InvalidRequest, missing.Code, missing.Param);
            return;
        }

        await RouteAndForwardAsync(context, operation, scanned.Model!, new JsonUpstreamBody(body, scanned, operation), start);
    }

    /// <summary>Resolves the model from the snapshot and forwards; answers 503/404 when it cannot.</summary>
    internal async Task RouteAndForwardAsync(HttpContext context, OpenAiOperation operation, string model, UpstreamBody body, long start)
    {
        var snapshot = routing.Current;
        if (snapshot is null)
        {
            await OpenAiErrors.RoutingTableUnavailable().ExecuteAsync(context);
            return;
        }

        var plan = snapshot.Find(model, operation.Kind);
        if (plan is null)
        {
            await OpenAiErrors.ModelNotFound(model).ExecuteAsync(context);
            return;
        }

        var now = NowSeconds();
        var targets = routing.Selector.Order(plan, tracker, now);
        if (targets.Count == 0)
        {
            await OpenAiErrors.WriteAsync(
                context,
                StatusCodes.Status503ServiceUnavailable,
                "No healthy " + operation.Kind + " target available for '" + model + "'.",
                OpenAiErrorTypes.Unavailable,
                OpenAiErrorCodes.NoHealthyTarget,
                "model",
                RetryAfterWhenAllCooling(plan, now));
            return;
        }

        await ForwardAsync(context, operation, plan, targets, body, model, start);
    }

    private async Task ForwardAsync(
        HttpContext context,
        OpenAiOperation operation,
        RoutePlan plan,
        IReadOnlyList<RouteTarget> targets,
        UpstreamBody body,
        string model,
        long start)
    {
        using var activity = FacadeTelemetry.ActivitySource.StartActivity(operation.ActivityName);
        activity?.SetTag(FacadeTelemetry.ModelTag, model);
        activity?.SetTag(FacadeTelemetry.RouteTypeTag, plan.MatchType);
        activity?.SetTag(FacadeTelemetry.RoleTag, plan.Role?.RoleId);
        activity?.SetTag(FacadeTelemetry.FallbackViaTag, plan.FallbackVia);
        activity?.SetTag(FacadeTelemetry.StrategyTag, plan.Strategy);
        activity?.SetTag(FacadeTelemetry.CandidatesTag, targets.Count);
        activity?.SetTag(FacadeTelemetry.FirstChoiceTag, targets[0].ServiceId);

        var requestId = context.Response.Headers[GenieHiveHeaders.RequestId].ToString();
        AttemptFailure? failure = null;
        RouteTarget? last = null;
        RequestMeter? meter = null;
        var attempts = 0;
        for (var i = 0; i < targets.Count; i++)
        {
            if (i > 0)
            {
                if (!body.CanRetry)
                {
                    break;
                }

                telemetry.Failovers.Add(1, new KeyValuePair<string, object?>("kind", operation.Name));
                LogFailover(logger, requestId, last!.ServiceId, targets[i].ServiceId, failure!.Kind);
            }

            last = targets[i];
            attempts++;
            meter = new RequestMeter(start);
            failure = await AttemptAsync(context, operation, plan, last, body, requestId, meter);
            if (failure is null || failure.Kind == FailureKind.ClientBody)
            {
                break;
            }
        }

        if (failure is not null)
        {
            await WriteFailureAsync(context, failure, plan, last, model, body);
        }

        var status = context.Response.StatusCode;
        activity?.SetTag(FacadeTelemetry.ServiceIdTag, last?.ServiceId);
        activity?.SetTag(FacadeTelemetry.AttemptsTag, attempts);
        if (status >= 500)
        {
            activity?.SetStatus(ActivityStatusCode.Error);
        }

        var tags = new TagList
        {
            { "kind", operation.Name },
            { "route_type", plan.MatchType },
            { "service", last?.ServiceId ?? "none" },
            { "status_code", FacadeTelemetry.StatusCodeTag(status) },
        };
        var durationMs = time.GetElapsedTime(start).TotalMilliseconds;
        telemetry.Requests.Add(1, tags);
        telemetry.Duration.Record(durationMs, tags);

        // The console's recent-requests view: one struct copy, after the response.
        recent.Add(new RecentRequest(
            NowSeconds(), requestId, operation.Name, model, plan.MatchType, plan.Role?.RoleId, plan.FallbackVia, plan.Strategy,
            targets[0].ServiceId, last?.ServiceId, targets.Count, attempts, status, meter?.TtftMs(time) ?? double.NaN, durationMs));
    }

    private async Task WriteFailureAsync(HttpContext context, AttemptFailure failure, RoutePlan plan, RouteTarget? last, string model, UpstreamBody body)
    {
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        if (body.Failure is { } clientFailure)
        {
            await OpenAiErrors.WriteAsync(context, clientFailure.StatusCode, clientFailure.Message, OpenAiErrorTypes.InvalidRequest, clientFailure.Code, clientFailure.Param);
            return;
        }

        switch (failure.Kind)
        {
            case FailureKind.Status:
                SetRouteHeaders(context, plan, last);
                await WriteUpstreamErrorAsync(context, failure.StatusCode, failure.Body ?? [], failure.ContentType, failure.RetryAfter);
                break;
            case FailureKind.Timeout:
                await OpenAiErrors.WriteAsync(context, StatusCodes.Status504GatewayTimeout,
                    "The upstream did not answer in time for '" + model + "'.", OpenAiErrorTypes.Upstream, OpenAiErrorCodes.UpstreamTimeout);
                break;
            default:
                await OpenAiErrors.WriteAsync(context, StatusCodes.Status502BadGateway,
                    "No upstream could be reached for '" + model + "'.", OpenAiErrorTypes.Upstream, OpenAiErrorCodes.UpstreamUnreachable);
                break;
        }
    }

    private int? RetryAfterWhenAllCooling(RoutePlan plan, double now)
    {
        if (plan.Targets.IsDefaultOrEmpty)
        {
            return null;
        }

        var soonest = double.MaxValue;
        foreach (var target in plan.Targets)
        {
            var until = Math.Max(target.CooldownUntil ?? 0, tracker.CooldownUntil(target.ServiceId) ?? 0);
            soonest = Math.Min(soonest, until);
        }

        return soonest > now && soonest < double.MaxValue ? Math.Max(1, (int)Math.Ceiling(soonest - now)) : null;
    }

    private static (string Message, string Code, string Param)? MissingField(OpenAiOperation operation, ScannedRequest scanned)
    {
        if (ReferenceEquals(operation, OpenAiOperation.ChatCompletions))
        {
            return scanned.Messages switch
            {
                FieldShape.Array => null,
                FieldShape.String or FieldShape.Other => ("'messages' must be an array.", OpenAiErrorCodes.InvalidType, "messages"),
                _ => ("Missing 'messages' in request body.", OpenAiErrorCodes.MissingParameter, "messages"),
            };
        }

        return ReferenceEquals(operation, OpenAiOperation.Completions)
            ? TextOrList(scanned.Prompt, "prompt")
            : TextOrList(scanned.Input, "input");
    }

    // OpenAI takes a string or an array (of strings or token ids) here; anything else is refused before it costs an
    // upstream round trip, whose engine would answer in its own words.
    private static (string Message, string Code, string Param)? TextOrList(FieldShape shape, string field) => shape switch
    {
        FieldShape.String or FieldShape.Array => null,
        FieldShape.Other => ("'" + field + "' must be a string or an array.", OpenAiErrorCodes.InvalidType, field),
        _ => ("Missing '" + field + "' in request body.", OpenAiErrorCodes.MissingParameter, field),
    };

    internal static Task WriteTooLargeAsync(HttpContext context, long limit) =>
        OpenAiErrors.WriteAsync(
            context,
            StatusCodes.Status413PayloadTooLarge,
            "The request body is larger than the limit of " + limit.ToString(System.Globalization.CultureInfo.InvariantCulture) + " bytes.",
            OpenAiErrorTypes.InvalidRequest,
            OpenAiErrorCodes.RequestTooLarge);

    private static void SetRouteHeaders(HttpContext context, RoutePlan plan, RouteTarget? target)
    {
        var headers = context.Response.Headers;
        if (target is not null)
        {
            headers[GenieHiveHeaders.ServiceId] = target.ServiceId;
        }

        headers[GenieHiveHeaders.RouteType] = plan.MatchType;
    }

    private double NowSeconds() => time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    [LoggerMessage(1, LogLevel.Debug, "Request {RequestId}: failing over from {FromService} to {ToService} after {Failure}")]
    private static partial void LogFailover(ILogger logger, string requestId, string fromService, string toService, FailureKind failure);

    [LoggerMessage(2, LogLevel.Debug, "Request {RequestId}: {ServiceId} failed with {Failure}; cooling down for {Seconds} s")]
    private static partial void LogCooldown(ILogger logger, string requestId, string serviceId, FailureKind failure, double seconds);

    [LoggerMessage(3, LogLevel.Debug, "Request {RequestId}: stream from {ServiceId} interrupted ({Failure})")]
    private static partial void LogInterrupted(ILogger logger, string requestId, string serviceId, FailureKind failure);
}

/// <summary>Why an attempt did not produce an answer.</summary>
internal enum FailureKind
{
    /// <summary>Connection refused, reset or otherwise broken before the first byte.</summary>
    Unreachable,

    /// <summary>No response (or first byte) within the first-byte timeout.</summary>
    Timeout,

    /// <summary>A 5xx or a 429.</summary>
    Status,

    /// <summary>The client's own body was at fault (too large, malformed upload): not retried.</summary>
    ClientBody,
}

/// <summary>A failed attempt; for <see cref="FailureKind.Status"/> the upstream's answer, to relay if nothing better comes.</summary>
internal sealed record AttemptFailure(FailureKind Kind, int StatusCode = 0, byte[]? Body = null, string? ContentType = null, string? RetryAfter = null);
