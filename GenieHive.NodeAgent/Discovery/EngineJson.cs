using System.Text.Json;

namespace GenieHive.NodeAgent.Discovery;

/// <summary>
/// Tolerant reads of engine JSON. Engines add and move fields between versions, so every read is optional
/// and a number is accepted whether it was written as an integer or a float.
/// </summary>
internal static class EngineJson
{
    public static JsonDocument? TryParse(string body)
    {
        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64, AllowTrailingCommas = true });
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static bool TryGetArray(JsonElement element, string name, out JsonElement array)
    {
        if (element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty(name, out array)
            && array.ValueKind == JsonValueKind.Array)
        {
            return true;
        }

        array = default;
        return false;
    }

    public static string? GetString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String
        && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()
            : null;

    public static long? GetInt64(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty(name, out var value)
            || value.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        if (value.TryGetInt64(out var integer))
        {
            return integer;
        }

        return value.TryGetDouble(out var real) && double.IsFinite(real) && real is >= long.MinValue and <= long.MaxValue
            ? (long)real
            : null;
    }

    public static int? GetInt32(JsonElement element, string name) =>
        GetInt64(element, name) is { } value ? (int)Math.Clamp(value, int.MinValue, int.MaxValue) : null;

    /// <summary>A positive context size, or null (engines report 0 or -1 for "not set").</summary>
    public static int? GetContext(JsonElement element, string name) => GetInt32(element, name) is > 0 and var value ? value : null;

    public static bool? GetBoolean(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => null,
            }
            : null;

    public static JsonElement? GetObject(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object
        && element.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.Object
            ? value
            : null;
}
