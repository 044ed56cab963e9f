using GenieHive.Routing;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// One client endpoint of the proxy (chat completions, embeddings, ...): what it accepts, what it sends to each
/// target, how each target's answer is relayed, and the shape its errors take. The request path around it
/// (<see cref="FailoverForwarder"/>, <see cref="UpstreamAttempt"/>, the relays) is the same for every endpoint, so
/// adding an endpoint is adding one of these and mapping it.
/// </summary>
/// <typeparam name="TRequest">What this endpoint reads from the client.</typeparam>
internal abstract class ProxyEndpoint<TRequest>
    where TRequest : ProxyRequest
{
    protected ProxyEndpoint(string name, string kind, ProxyErrorWriter errors)
    {
        Name = name;
        Kind = kind;
        Errors = errors;
        ActivityName = "proxy " + name;
    }

    /// <summary>The metric tag and activity suffix (<c>chat</c>, <c>embeddings</c>, ...).</summary>
    public string Name { get; }

    /// <summary>The routing kind its models are found under (<c>chat</c>, <c>embeddings</c>, <c>transcription</c>).</summary>
    public string Kind { get; }

    public string ActivityName { get; }

    /// <summary>Writes every error of this endpoint, in its API's shape.</summary>
    public ProxyErrorWriter Errors { get; }

    /// <summary>
    /// Reads and validates the client's request. Null when it is refused: the refusal is then already written
    /// (through <see cref="Errors"/>) and nothing is forwarded.
    /// </summary>
    public abstract ValueTask<TRequest?> ReadAsync(HttpContext context);

    /// <summary>The request for one target (its URL and body), made anew for every attempt.</summary>
    public abstract HttpRequestMessage CreateUpstreamRequest(TRequest request, RouteTarget target);

    /// <summary>How a target's successful answer reaches the client (by what it says its content is).</summary>
    public abstract IResponseRelay SelectRelay(TRequest request, RouteTarget target, HttpResponseMessage response);
}
