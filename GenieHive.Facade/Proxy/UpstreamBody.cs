using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Facade.Policy;
using GenieHive.Routing;

namespace GenieHive.Facade.Proxy;

/// <summary>What the proxy sends upstream, created anew for every attempt.</summary>
internal abstract class UpstreamBody
{
    public abstract HttpContent CreateContent(RouteTarget target);

    /// <summary>False once the body can no longer be sent again (a streamed upload that started).</summary>
    public virtual bool CanRetry => true;

    /// <summary>Set when reading the client's body failed while it was being forwarded (an error for the client, not the upstream).</summary>
    public virtual ClientBodyFailure? Failure => null;
}

/// <summary>Why a client's body could not be forwarded.</summary>
internal sealed record ClientBodyFailure(int StatusCode, string Message, string Code, string? Param = null);

/// <summary>
/// A JSON body held in a pooled buffer: replayable across attempts. Without a policy to apply only <c>model</c>
/// is spliced; with one, the body is parsed, shaped and serialised for that target.
/// </summary>
internal sealed class JsonUpstreamBody(PooledBuffer body, ScannedRequest scanned, OpenAiOperation operation) : UpstreamBody
{
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };
    private ClientBodyFailure? _failure;

    public override ClientBodyFailure? Failure => _failure;

    public override HttpContent CreateContent(RouteTarget target)
    {
        var policy = target.Policy;
        var needsShaping = operation.AppliesSystemPrompt
            ? !policy.IsEmpty
            : policy.BodyDefaults is { Count: > 0 };
        if (!needsShaping)
        {
            return new SplicedJsonContent(body.Memory, scanned.ModelStart, scanned.ModelEnd, target.UpstreamModel);
        }

        JsonObject root;
        try
        {
            root = (JsonObject)JsonNode.Parse(body.Span, NodeOptions, DocumentOptions)!;
            RequestPolicyApplier.Apply(root, policy, operation.AppliesSystemPrompt, target.UpstreamModel);
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException or InvalidOperationException)
        {
            // Valid JSON the DOM refuses (a key repeated inside one object): the client's to fix.
            _failure = new ClientBodyFailure(StatusCodes.Status400BadRequest, "The request body repeats a property inside one object.", Errors.OpenAiErrorCodes.InvalidJson);
            throw new InvalidDataException(_failure.Message, ex);
        }

        var output = new PooledBuffer(body.Length + 1024);
        using (var writer = new Utf8JsonWriter(output, JsonStrings.WriterOptions))
        {
            root.WriteTo(writer);
        }

        return new PooledBufferContent(output, "application/json");
    }
}
