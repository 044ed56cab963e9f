using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Facade.Policy;
using GenieHive.Routing;
using GenieHive.Routing.Prediction;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// A JSON request body held in a pooled buffer, replayable across attempts. Without a policy to apply only
/// <c>model</c> is spliced; with one, the body is parsed, shaped and serialised for that target.
/// </summary>
internal sealed class JsonProxyRequest(PooledBuffer body, ScannedRequest scanned) : ProxyRequest(scanned.Model!)
{
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };
    private ClientError? _failure;

    /// <summary>What the scanner found in the body (<c>stream</c>, the fields' shapes).</summary>
    public ScannedRequest Scanned => scanned;

    public override ClientError? ClientFailure => _failure;

    /// <summary>True when the facade added <c>stream_options.include_usage</c> (<see cref="AskForStreamUsage"/>).</summary>
    public bool AddsStreamUsage { get; private set; }

    public override bool AskForStreamUsage()
    {
        AddsStreamUsage = scanned.Stream && !scanned.HasStreamOptions;
        return AddsStreamUsage;
    }

    public override RequestShape Shape => scanned.Opening.Shape;

    public override bool Streams => scanned.Stream;

    /// <summary>
    /// The body for <paramref name="target"/>: the caller's bytes with the target's model, shaped by the target's
    /// policy (body defaults; the system prompt only when <paramref name="appliesSystemPrompt"/>).
    /// </summary>
    public HttpContent CreateContent(RouteTarget target, bool appliesSystemPrompt)
    {
        var policy = target.Policy;
        var needsShaping = AddsStreamUsage || (appliesSystemPrompt ? !policy.IsEmpty : policy.BodyDefaults is { Count: > 0 });
        if (!needsShaping)
        {
            return new SplicedJsonContent(body.Memory, scanned.ModelStart, scanned.ModelEnd, target.UpstreamModel);
        }

        JsonObject root;
        try
        {
            root = (JsonObject)JsonNode.Parse(body.Span, NodeOptions, DocumentOptions)!;
            RequestPolicyApplier.Apply(root, policy, appliesSystemPrompt, target.UpstreamModel);
            if (AddsStreamUsage)
            {
                root["stream_options"] = new JsonObject { ["include_usage"] = true };
            }
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException or InvalidOperationException)
        {
            // Valid JSON the DOM refuses (a key repeated inside one object): the client's to fix.
            _failure = new ClientError(StatusCodes.Status400BadRequest, "The request body repeats a property inside one object.", Errors.OpenAiErrorCodes.InvalidJson);
            throw new InvalidDataException(_failure.Message, ex);
        }

        var output = new PooledBuffer(body.Length + 1024);
        using (var writer = new Utf8JsonWriter(output, JsonStrings.WriterOptions))
        {
            root.WriteTo(writer);
        }

        return new PooledBufferContent(output, "application/json");
    }

    public override ValueTask DisposeAsync()
    {
        body.Dispose();
        return default;
    }
}
