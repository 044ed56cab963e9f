namespace GenieHive.Facade.Proxy;

/// <summary>
/// Every error a proxied endpoint can answer, in the words and shape of the endpoint's API (OpenAI's
/// <c>{"error":{...}}</c>, or another API's). The request path decides when an error is due; this decides how it looks.
/// </summary>
internal abstract class ProxyErrorWriter
{
    /// <summary>The client's request was refused (validation, size, a body that could not be read).</summary>
    public abstract Task WriteClientErrorAsync(HttpContext context, ClientError error);

    /// <summary>The caller's key may not do this (model allowlist, rate limit, budget: <see cref="Auth.KeyRefusal"/>).</summary>
    public abstract Task WriteKeyRefusalAsync(HttpContext context, Auth.KeyRefusal refusal);

    /// <summary>No routing table has arrived from Control yet.</summary>
    public abstract Task WriteRoutingTableUnavailableAsync(HttpContext context);

    /// <summary>The name is no model, role or service of this kind.</summary>
    public abstract Task WriteModelNotFoundAsync(HttpContext context, string model);

    /// <summary>A known name whose targets are all unhealthy or cooling down (503).</summary>
    public abstract Task WriteNoHealthyTargetAsync(HttpContext context, string kind, string model, int? retryAfterSeconds);

    /// <summary>No target could be reached (502).</summary>
    public abstract Task WriteUnreachableAsync(HttpContext context, string model);

    /// <summary>No target answered in time (504).</summary>
    public abstract Task WriteTimedOutAsync(HttpContext context, string model);

    /// <summary>An engine's own error answer (a 4xx, or the last 5xx/429 when no target did better).</summary>
    public abstract Task WriteUpstreamErrorAsync(HttpContext context, UpstreamErrorAnswer answer);

    /// <summary>The server-sent event that ends a stream the upstream broke off after it had started.</summary>
    public abstract ReadOnlyMemory<byte> StreamErrorEvent(bool timedOut);
}
