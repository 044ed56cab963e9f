using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GenieHive.Routing.Scoring;

/// <summary>Reads numbers from free-form JSON, whether parsed from text or built in code.</summary>
internal static class JsonNumbers
{
    /// <summary>A finite JSON number (a node parsed from text, or one created from any CLR numeric type).</summary>
    public static bool TryGetDouble(JsonNode? node, out double value)
    {
        value = 0;
        if (node is not JsonValue json || json.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        if (json.TryGetValue(out double d))
        {
            value = d;
        }
        else if (json.TryGetValue(out long l))
        {
            value = l;
        }
        else if (json.TryGetValue(out int i))
        {
            value = i;
        }
        else if (json.TryGetValue(out decimal m))
        {
            value = (double)m;
        }
        else if (json.TryGetValue(out float f))
        {
            value = f;
        }
        else
        {
            return double.TryParse(json.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value)
                && double.IsFinite(value);
        }

        return double.IsFinite(value);
    }

    /// <summary>An integer from a JSON number or a digit string (context sizes arrive as either).</summary>
    public static bool TryGetInteger(JsonElement element, out long value)
    {
        value = 0;
        return element.ValueKind switch
        {
            JsonValueKind.Number => element.TryGetInt64(out value),
            JsonValueKind.String => long.TryParse(element.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }

    /// <summary>An integer from a JSON number node or a digit string node.</summary>
    public static bool TryGetInteger(JsonNode? node, out long value)
    {
        value = 0;
        if (node is not JsonValue json)
        {
            return false;
        }

        if (json.GetValueKind() == JsonValueKind.String && json.TryGetValue(out string? text))
        {
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        }

        if (TryGetDouble(node, out var d) && d == Math.Floor(d) && Math.Abs(d) < long.MaxValue)
        {
            value = (long)d;
            return true;
        }

        return false;
    }
}
