using GenieHive.Contracts.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// Reads a JSON request body whole into a DOM, for the endpoints that translate between APIs and so must edit more
/// than <c>model</c> (Anthropic Messages, OpenAI Responses). The chat path never comes here: it scans, not parses.
/// </summary>
internal static class JsonObjectReader
{
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };

    /// <summary>The body as an object, or the client's error (not JSON, too large, not an object, a key repeated).</summary>
    public static async ValueTask<(JsonObject? Body, ClientError? Error)> ReadAsync(HttpContext context, int maxBytes)
    {
        if (!MediaTypes.IsJson(context.Request.ContentType))
        {
            return (null, ClientError.UnsupportedMediaType("The request body must be JSON (Content-Type: application/json)."));
        }

        if (context.Request.ContentLength > maxBytes)
        {
            return (null, ClientError.TooLarge(maxBytes));
        }

        using var body = await RequestBodyReader.ReadAsync(context, maxBytes);
        if (body is null)
        {
            return (null, ClientError.TooLarge(maxBytes));
        }

        // A string that is not Unicode text (invalid UTF-8, a lone surrogate escape) parses, then throws where the DOM
        // reads or writes it: refused first, by the rule the chat path's scanner applies (issue 20).
        if (JsonUnicode.DocumentProblem(body.Span, DocumentOptions.MaxDepth) is { } problem && problem != JsonUnicode.NotJson)
        {
            return (null, Invalid("The request body is not valid JSON text: " + problem + "."));
        }

        try
        {
            if (JsonNode.Parse(body.Span, NodeOptions, DocumentOptions) is not JsonObject root)
            {
                return (null, Invalid("The request body must be a JSON object."));
            }
            return (root, null);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            // Duplicate keys are refused by the parser (AllowDuplicateProperties), so translating never meets one.
            return (null, Invalid("The request body is not valid JSON, or repeats a property inside one object."));
        }
    }

    public static ClientError Invalid(string message, string? param = null) =>
        new(StatusCodes.Status400BadRequest, message, Errors.OpenAiErrorCodes.InvalidJson, param);

    /// <summary>The string at <paramref name="field"/>, or null when absent or not a string.</summary>
    public static string? String(JsonObject body, string field) =>
        body[field] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>True when <paramref name="field"/> is the JSON literal <c>true</c>.</summary>
    public static bool IsTrue(JsonObject body, string field) =>
        body[field] is JsonValue value && value.GetValueKind() == JsonValueKind.True;

    /// <summary>The body as an upstream request's content.</summary>
    public static HttpContent ToContent(JsonObject body)
    {
        var output = new PooledBuffer(4096);
        using (var writer = new Utf8JsonWriter(output, JsonStrings.WriterOptions))
        {
            body.WriteTo(writer);
        }

        return new PooledBufferContent(output, "application/json");
    }
}
