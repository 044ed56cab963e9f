using GenieHive.Routing.Prediction;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// One client request as its endpoint read it: the model it asks for and whatever the endpoint needs to build each
/// target's request. Lives until the request is answered, then disposed.
/// </summary>
internal abstract class ProxyRequest(string model) : IAsyncDisposable
{
    /// <summary>The model, role or service the client named.</summary>
    public string Model { get; } = model;

    /// <summary>False once the request can no longer be sent again (a streamed upload that started).</summary>
    public virtual bool CanRetry => true;

    /// <summary>Set when the client's own body failed while it was being sent: an error for the client, not the upstream.</summary>
    public virtual ClientError? ClientFailure => null;

    /// <summary>
    /// Asks the engine to report usage at the end of a stream when the client did not say (a key's token limits need
    /// it); true when the request will ask, and its relay then strips that usage event again. False for requests that
    /// cannot (not a stream, the client's own <c>stream_options</c>, not a JSON API).
    /// </summary>
    public virtual bool AskForStreamUsage() => false;

    /// <summary>The prompt's conversation prefix and size, for prefix affinity and the delay prediction (none by default).</summary>
    public virtual RequestShape Shape => RequestShape.None;

    /// <summary>The answer will be streamed, so its first token is seen when it comes (false when not known).</summary>
    public virtual bool Streams => false;

    public virtual ValueTask DisposeAsync() => default;
}

/// <summary>An error the client's request caused, before any API's shape is put on it.</summary>
internal sealed record ClientError(int StatusCode, string Message, string Code, string? Param = null)
{
    /// <summary>A body over the endpoint's limit, known before or while reading it.</summary>
    public static ClientError TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge,
            "The request body is larger than the limit of " + limit.ToString(System.Globalization.CultureInfo.InvariantCulture) + " bytes.",
            Errors.OpenAiErrorCodes.RequestTooLarge);

    public static ClientError UnsupportedMediaType(string message) =>
        new(StatusCodes.Status415UnsupportedMediaType, message, Errors.OpenAiErrorCodes.UnsupportedMediaType);

    public static ClientError Missing(string field) =>
        new(StatusCodes.Status400BadRequest, "Missing '" + field + "' in request body.", Errors.OpenAiErrorCodes.MissingParameter, field);
}
