using System.Text.Json;
using GenieHive.Simulator.Models;

namespace GenieHive.Simulator.Wire;

/// <summary>Small readers for request fields, positioned on the field's value.</summary>
public static class JsonFields
{
    /// <summary>A boolean or null (null leaves the value as it was).</summary>
    public static bool TryReadBool(ref Utf8JsonReader reader, ref bool value)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                value = true;
                return true;
            case JsonTokenType.False:
                value = false;
                return true;
            case JsonTokenType.Null:
                return true;
            default:
                return false;
        }
    }

    /// <summary>A positive token count, or null.</summary>
    public static bool TryReadTokenLimit(ref Utf8JsonReader reader, ref int? value)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var number) && number > 0)
        {
            value = number;
            return true;
        }

        return false;
    }

    /// <summary>A positive integer, or null.</summary>
    public static bool TryReadPositiveInt(ref Utf8JsonReader reader, ref int? value) => TryReadTokenLimit(ref reader, ref value);

    /// <summary>
    /// A model id: matched against the served models of <paramref name="kind"/> without allocating; an id that is
    /// not served is kept in <paramref name="unknown"/> for the 404. Null or empty means "the default model".
    /// </summary>
    public static bool TryReadModel(ref Utf8JsonReader reader, ModelCatalog catalog, ModelKind kind, ref ServedModel? model, ref string? unknown)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        if (reader.ValueTextEquals(ReadOnlySpan<byte>.Empty))
        {
            return true;
        }

        var models = catalog.Of(kind);
        for (var i = 0; i < models.Count; i++)
        {
            if (reader.ValueTextEquals(models[i].Utf8Id))
            {
                model = models[i];
                unknown = null;
                return true;
            }
        }

        unknown = reader.GetString();
        return true;
    }
}
