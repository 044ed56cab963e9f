using System.Text.Json;

namespace GenieHive.Tests.Fuzz;

/// <summary>
/// The error bodies GenieHive's endpoints promise (DESIGN.md, Wire): OpenAI's <c>{"error":{"message","type",...}}</c> on
/// the facade's OpenAI endpoints (and the simulator's, as an engine answers), Anthropic's
/// <c>{"type":"error","error":{"type","message"}}</c> on <c>/v1/messages</c>, ProblemDetails on Control and the node
/// agent. Each check returns what is wrong with a body, or null when it has the shape.
/// </summary>
internal static class ErrorShapes
{
    public static string? OpenAi(int status, byte[] body) => Inspect(body, root =>
        root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
        && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
        && error.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            ? null
            : "not OpenAI's error shape");

    public static string? Anthropic(int status, byte[] body) => Inspect(body, root =>
        root.TryGetProperty("type", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() == "error"
        && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
        && error.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
        && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
            ? null
            : "not Anthropic's error shape");

    public static string? ProblemDetails(int status, byte[] body) => Inspect(body, root =>
        root.TryGetProperty("status", out var code) && code.ValueKind == JsonValueKind.Number && code.GetInt32() == status
        && root.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String
            ? null
            : "not a ProblemDetails with status " + status);

    /// <summary>The operator API through the facade: Control's ProblemDetails relayed, or the facade's own refusal (401, 413).</summary>
    public static string? Relayed(int status, byte[] body) =>
        ProblemDetails(status, body) is null || OpenAi(status, body) is null ? null : "neither Control's ProblemDetails nor the facade's OpenAI error";

    private static string? Inspect(byte[] body, Func<JsonElement, string?> check)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object ? check(document.RootElement) : "not a JSON object";
        }
        catch (JsonException)
        {
            return "not JSON";
        }
    }
}
