using GenieHive.Contracts.Auth;
using GenieHive.Facade.Auth;
using GenieHive.Facade.Proxy;

namespace GenieHive.Facade.Transcriptions;

/// <summary>Speech to text, proxied to transcription services.</summary>
public static class TranscriptionsApi
{
    /// <summary>Maps <c>POST /v1/audio/transcriptions</c> (client key required).</summary>
    public static RouteGroupBuilder MapTranscriptionsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1").RequireClientKey(KeyScope.Inference);
        group.MapPost("/audio/transcriptions", static (HttpContext context, TranscriptionsEndpoint endpoint, FailoverForwarder forwarder) =>
            forwarder.ForwardAsync(context, endpoint));
        return group;
    }
}
