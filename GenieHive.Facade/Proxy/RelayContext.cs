using GenieHive.Routing;

namespace GenieHive.Facade.Proxy;

/// <summary>Everything one relay works with: the client, the upstream answer, the attempt's clock and meter, and the route.</summary>
internal readonly struct RelayContext(
    HttpContext client,
    HttpResponseMessage upstream,
    AttemptDeadline deadline,
    RequestMeter meter,
    RoutePlan plan,
    RouteTarget target,
    TimeProvider time)
{
    public HttpContext Client => client;

    public HttpResponseMessage Upstream => upstream;

    public AttemptDeadline Deadline => deadline;

    public RequestMeter Meter => meter;

    public TimeProvider Time => time;

    /// <summary>Sets status and headers from the upstream response; from here on the client gets this answer.</summary>
    public void Commit(bool eventStream, long? contentLength)
    {
        var response = client.Response;
        response.StatusCode = (int)upstream.StatusCode;
        ResponseHeaderCopier.Copy(upstream, response);
        RouteHeaders.Set(client, plan, target);
        if (eventStream)
        {
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
        }

        response.ContentLength = contentLength;
    }

    /// <summary>The upstream failed while being read: how that counts, depending on whether the client got anything yet.</summary>
    public RelayResult ReadFailure(Exception ex, bool committed)
    {
        if (client.RequestAborted.IsCancellationRequested)
        {
            return RelayResult.ClientGone;
        }

        var timedOut = ex is OperationCanceledException;
        return new RelayResult(committed ? RelayStatus.Interrupted : RelayStatus.FailedBeforeCommit, timedOut);
    }

    public static bool IsUpstreamReadFailure(Exception ex) =>
        ex is OperationCanceledException or IOException or HttpRequestException;
}
