using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace GenieHive.Control.Storage;

/// <summary>JSON columns: written and read with the wire's source-generated metadata (snake_case).</summary>
public static class StoredJson
{
    public static string? Write<T>(T? value, JsonTypeInfo<T> typeInfo) =>
        value is null ? null : JsonSerializer.Serialize(value, typeInfo);

    public static T? Read<T>(object? column, JsonTypeInfo<T> typeInfo) =>
        column is string text && text.Length > 0 ? JsonSerializer.Deserialize(text, typeInfo) : default;

    /// <summary>
    /// Materialises every lazily parsed level of a JSON tree. A <see cref="JsonObject"/> read from JSON parses
    /// its children on first access, which is not safe when several threads serialize the same tree; after this
    /// the tree is only ever read, so sharing it between requests and routing tables is safe.
    /// </summary>
    public static T? Freeze<T>(T? node)
        where T : JsonNode
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var property in obj)
                {
                    Freeze(property.Value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Freeze(item);
                }

                break;
        }

        return node;
    }
}
