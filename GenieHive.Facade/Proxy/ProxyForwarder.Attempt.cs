using System.Globalization;
using System.Net.Sockets;
using GenieHive.Contracts;
using GenieHive.Facade.Observations;
using GenieHive.Routing;

namespace GenieHive.Facade.Proxy;

internal sealed partial class ProxyForwarder
{
    private const int MaxBufferedErrorBytes = 64 * 1024;
    private const double MaxRetryAfterSeconds = 3600;

    /// <summary>
    /// One attempt against one target. Returns null when the client got an answer (or left); otherwise the failure,
    /// after which nothing has been written to the client and the next target may be tried.
    /// </summary>
    private async Task<AttemptFailure?> AttemptAsync(
        HttpContext context,
        OpenAiOperation operation,
        RoutePlan plan,
        RouteTarget target,
        UpstreamBody body,
        string requestId,
        RequestMeter meter)
    {
        var stats = tracker.Get(target.ServiceId);
        stats.Enter();
        telemetry.InFlight.Add(1);
        var record = true;
        var failed = false;
        HttpResponseMessage? response = null;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        cts.CancelAfter(_firstByteTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, operation.UpstreamUri(target.BaseUrl));
            try
            {
                request.Content = body.CreateContent(target);
            }
            catch (Exception) when (body.Failure is not null)
            {
                record = false;
                return new AttemptFailure(FailureKind.ClientBody);
            }

            request.Headers.TryAddWithoutValidation(GenieHiveHeaders.RequestId, requestId);
            try
            {
                response = await upstream.Invoker.SendAsync(request, cts.Token);
            }
            catch (Exception) when (body.Failure is not null)
            {
                record = false;
                return new AttemptFailure(FailureKind.ClientBody);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                record = false;
                return null;
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                failed = true;
                return Fail(stats, target, requestId, FailureKind.Timeout, CooldownReasons.Timeout);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException or SocketException)
            {
                // Refused, reset, or the connect timeout of the handler (a cancellation our token did not cause).
                failed = true;
                return Fail(stats, target, requestId, FailureKind.Unreachable, CooldownReasons.ConnectFailed);
            }

            var status = (int)response.StatusCode;
            if (status >= 500 || status == StatusCodes.Status429TooManyRequests)
            {
                failed = true;
                var errorBody = await ReadBoundedAsync(response, MaxBufferedErrorBytes, cts);
                double? retryAfter = status == StatusCodes.Status429TooManyRequests ? RetryAfterSeconds(response) : null;
                var seconds = tracker.CoolDown(stats, NowSeconds(), status == StatusCodes.Status429TooManyRequests ? CooldownReasons.RateLimited : CooldownReasons.ServerError, retryAfter);
                LogCooldown(logger, requestId, target.ServiceId, FailureKind.Status, seconds);
                return new AttemptFailure(
                    FailureKind.Status,
                    status,
                    errorBody,
                    response.Content.Headers.ContentType?.ToString(),
                    retryAfter is { } s ? Math.Ceiling(s).ToString(CultureInfo.InvariantCulture) : null);
            }

            if (status >= 400)
            {
                // The request's fault, not the service's: relayed as it is, never retried elsewhere.
                var errorBody = await ReadBoundedAsync(response, MaxBufferedErrorBytes, cts);
                meter.OnBytes(time.GetTimestamp());
                SetRouteHeaders(context, plan, target);
                await WriteUpstreamErrorAsync(context, status, errorBody, response.Content.Headers.ContentType?.ToString(), null);
                stats.Succeeded();
                return null;
            }

            var contentType = response.Content.Headers.ContentType?.MediaType;
            RelayOutcome outcome;
            if (MediaTypes.IsEventStream(contentType))
            {
                meter.Streamed = true;
                outcome = await RelaySseAsync(context, operation, plan, target, response, cts, meter);
            }
            else if (operation.StripsReasoning && MediaTypes.IsJson(contentType))
            {
                outcome = await RelayJsonAsync(context, plan, target, response, cts, meter);
            }
            else
            {
                outcome = await RelayCopyAsync(context, operation, plan, target, response, cts, meter);
            }

            switch (outcome.Status)
            {
                case RelayStatus.Completed:
                    stats.Succeeded();
                    return null;
                case RelayStatus.ClientGone:
                    record = false;
                    return null;
                case RelayStatus.Interrupted:
                    failed = true;
                    LogInterrupted(logger, requestId, target.ServiceId, outcome.Kind);
                    return null;
                default:
                    failed = true;
                    return Fail(stats, target, requestId, outcome.Kind,
                        outcome.Kind == FailureKind.Timeout ? CooldownReasons.Timeout : CooldownReasons.ConnectFailed);
            }
        }
        finally
        {
            response?.Dispose();
            stats.Exit();
            telemetry.InFlight.Add(-1);
            if (record)
            {
                RecordAttempt(stats, meter, failed, operation, plan, target);
            }
        }
    }

    private AttemptFailure Fail(ServiceStats stats, RouteTarget target, string requestId, FailureKind kind, string reason)
    {
        var seconds = tracker.CoolDown(stats, NowSeconds(), reason);
        LogCooldown(logger, requestId, target.ServiceId, kind, seconds);
        return new AttemptFailure(kind);
    }

    private void RecordAttempt(ServiceStats stats, RequestMeter meter, bool failed, OpenAiOperation operation, RoutePlan plan, RouteTarget target)
    {
        var end = time.GetTimestamp();
        var latency = time.GetElapsedTime(meter.Start, end).TotalMilliseconds;
        // Only streamed answers have a time to first token; a JSON answer's is NaN and stays out of the TTFT figures.
        var ttft = meter.TtftMs(time);
        stats.Record(NowSeconds(), latency, ttft, meter.TokensPerSecond(time, end), failed);
        if (failed)
        {
            telemetry.UpstreamErrors.Add(1, new KeyValuePair<string, object?>("service", target.ServiceId));
        }
        else if (!double.IsNaN(ttft))
        {
            telemetry.Ttft.Record(ttft, new KeyValuePair<string, object?>("kind", operation.Name), new KeyValuePair<string, object?>("route_type", plan.MatchType));
        }
    }

    private double? RetryAfterSeconds(HttpResponseMessage response)
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

    /// <summary>Reads up to <paramref name="limit"/> bytes of an upstream body (errors are small); what arrives in time.</summary>
    private async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, int limit, CancellationTokenSource cts)
    {
        using var buffer = new PooledBuffer(4096);
        try
        {
            cts.CancelAfter(_idleTimeout);
            using var stream = await response.Content.ReadAsStreamAsync(cts.Token);
            while (buffer.Length < limit)
            {
                var read = await stream.ReadAsync(buffer.GetMemory(Math.Min(8192, limit - buffer.Length)), cts.Token);
                if (read == 0)
                {
                    break;
                }

                buffer.Advance(Math.Min(read, limit - buffer.Length));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            // An error body that cannot be read completely still says what it said so far.
        }

        return buffer.Span.ToArray();
    }
}
