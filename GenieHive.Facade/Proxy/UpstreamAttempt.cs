using System.Net.Sockets;
using System.Runtime.CompilerServices;
using GenieHive.Contracts;
using GenieHive.Routing;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// One try against one target: sends the endpoint's request for it and waits for the response headers. Says how
/// it went as an <see cref="AttemptResult"/> and hands over the response; it never writes to the client, keeps no
/// health and makes no second try (that is <see cref="FailoverForwarder"/>'s, as YARP's HttpForwarder leaves retries
/// to others).
/// </summary>
internal sealed class UpstreamAttempt(UpstreamClient upstream)
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<AttemptOutcome> SendAsync<TRequest>(
        HttpContext context,
        ProxyEndpoint<TRequest> endpoint,
        TRequest request,
        RouteTarget target,
        AttemptDeadline deadline,
        string requestId)
        where TRequest : ProxyRequest
    {
        HttpRequestMessage? message = null;
        HttpResponseMessage response;
        try
        {
            message = endpoint.CreateUpstreamRequest(request, target);
            message.Headers.TryAddWithoutValidation(GenieHiveHeaders.RequestId, requestId);
            response = await upstream.Invoker.SendAsync(message, deadline.Token);
        }
        catch (Exception ex) when (Classify(ex, context, request, deadline) is { } failure)
        {
            message?.Dispose();
            return new AttemptOutcome(failure);
        }
        catch (Exception)
        {
            message?.Dispose();
            throw;
        }

        var status = (int)response.StatusCode;
        var result = status switch
        {
            StatusCodes.Status429TooManyRequests => AttemptResult.RateLimited,
            >= 500 => AttemptResult.ServerError,
            >= 400 => AttemptResult.Refused,
            _ => AttemptResult.Answered,
        };
        return new AttemptOutcome(result, response, message);
    }

    /// <summary>What a failed send means; null for an exception no upstream trouble explains (a bug: it propagates).</summary>
    private static AttemptResult? Classify(Exception ex, HttpContext context, ProxyRequest request, AttemptDeadline deadline) => ex switch
    {
        _ when request.ClientFailure is not null => AttemptResult.ClientBodyFailed,
        OperationCanceledException when context.RequestAborted.IsCancellationRequested => AttemptResult.ClientGone,
        OperationCanceledException when deadline.Token.IsCancellationRequested => AttemptResult.TimedOut,

        // Refused, reset, or the handler's connect timeout (a cancellation our token did not cause).
        HttpRequestException or OperationCanceledException or IOException or SocketException => AttemptResult.Unreachable,
        _ => null,
    };
}

/// <summary>How one attempt went (YARP's <c>ForwarderError</c>, for this proxy).</summary>
internal enum AttemptResult
{
    /// <summary>Response headers arrived with a status to relay (2xx, 3xx).</summary>
    Answered,

    /// <summary>A 4xx other than 429: the request's fault, relayed as it is and never tried elsewhere.</summary>
    Refused,

    /// <summary>A 5xx: the service is in trouble; the next target may do better.</summary>
    ServerError,

    /// <summary>A 429: the service is full for now (for its <c>Retry-After</c>, when it says).</summary>
    RateLimited,

    /// <summary>Connection refused, reset or otherwise broken before the response headers.</summary>
    Unreachable,

    /// <summary>No response headers within the first-byte timeout.</summary>
    TimedOut,

    /// <summary>The client's own body failed while it was sent (too large, malformed upload): not tried elsewhere.</summary>
    ClientBodyFailed,

    /// <summary>The client went away: nobody is left to answer.</summary>
    ClientGone,
}

/// <summary>
/// An attempt's result and, when headers arrived, the upstream response. The caller disposes it when the response
/// is relayed; the request goes with it, because its body may be read until the upstream is done answering.
/// </summary>
internal readonly record struct AttemptOutcome(AttemptResult Result, HttpResponseMessage? Response = null, HttpRequestMessage? Request = null) : IDisposable
{
    public void Dispose()
    {
        Response?.Dispose();
        Request?.Dispose();
    }
}
