using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GenieHive.Control.Benchmarks.Workloads;

/// <summary>
/// The subset of JSON Schema the workloads use: <c>type</c> (one name or a list), <c>required</c>,
/// <c>properties</c>, <c>enum</c> and <c>items</c>; <c>title</c> and <c>description</c> are ignored. Enough to say
/// "an object with these fields of these types"; anything else is refused when a workload file is loaded, so a
/// schema never silently checks less than it says.
/// </summary>
public static class JsonSchemaValidator
{
    public static readonly string[] Keywords = ["type", "required", "properties", "enum", "items", "title", "description"];

    public static readonly string[] Types = ["object", "array", "string", "number", "integer", "boolean", "null"];

    /// <summary>Every way <paramref name="value"/> breaks <paramref name="schema"/>, each with its JSON path; empty when valid.</summary>
    public static List<string> Validate(JsonNode? value, JsonObject schema)
    {
        var errors = new List<string>();
        Check(value, schema, "$", errors);
        return errors;
    }

    /// <summary>
    /// Problems with the schema itself (unsupported keywords, unknown type names, malformed lists), each with
    /// its path inside the schema; empty when the validator can apply it.
    /// </summary>
    public static List<string> DescribeSchemaProblems(JsonObject schema)
    {
        var problems = new List<string>();
        InspectSchema(schema, "", problems);
        return problems;
    }

    private static void Check(JsonNode? value, JsonObject schema, string path, List<string> errors)
    {
        if (schema.TryGetPropertyValue("type", out var typeNode) && typeNode is not null)
        {
            var allowed = typeNode is JsonArray list ? [.. list.Select(Text)] : new[] { Text(typeNode) };
            if (!allowed.Any(type => IsOfType(value, type)))
            {
                errors.Add($"{path}: expected {string.Join(" or ", allowed)}, got {Kind(value)}");
                return;
            }
        }

        if (schema.TryGetPropertyValue("enum", out var enumNode) && enumNode is JsonArray options
            && !options.Any(option => JsonNode.DeepEquals(option, value)))
        {
            errors.Add($"{path}: {Show(value)} is not one of {string.Join(", ", options.Select(Show))}");
        }

        if (value is JsonObject obj)
        {
            if (schema.TryGetPropertyValue("required", out var requiredNode) && requiredNode is JsonArray required)
            {
                foreach (var name in required.Select(Text))
                {
                    if (!obj.ContainsKey(name))
                    {
                        errors.Add($"{path}: missing required property '{name}'");
                    }
                }
            }

            if (schema.TryGetPropertyValue("properties", out var propertiesNode) && propertiesNode is JsonObject properties)
            {
                foreach (var (name, propertySchema) in properties)
                {
                    if (propertySchema is JsonObject nested && obj.TryGetPropertyValue(name, out var propertyValue))
                    {
                        Check(propertyValue, nested, path + "." + name, errors);
                    }
                }
            }
        }

        if (value is JsonArray array && schema.TryGetPropertyValue("items", out var itemsNode) && itemsNode is JsonObject items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Check(array[i], items, string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]"), errors);
            }
        }
    }

    private static string Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";

    private static bool IsOfType(JsonNode? value, string type) => type switch
    {
        "null" => value is null,
        "object" => value is JsonObject,
        "array" => value is JsonArray,
        "string" => value is JsonValue s && s.GetValueKind() == JsonValueKind.String,
        "boolean" => value is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        "number" => value is JsonValue n && n.GetValueKind() == JsonValueKind.Number,
        "integer" => value is JsonValue i && i.GetValueKind() == JsonValueKind.Number
            && double.TryParse(i.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && number == Math.Floor(number) && double.IsFinite(number),
        _ => false,
    };

    private static string Kind(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        _ => value.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "value",
        },
    };

    private static string Show(JsonNode? value)
    {
        var json = value?.ToJsonString() ?? "null";
        return json.Length <= 40 ? json : json[..40] + "…";
    }

    private static void InspectSchema(JsonObject schema, string path, List<string> problems)
    {
        string At(string keyword) => path.Length == 0 ? keyword : path + "." + keyword;

        foreach (var (keyword, value) in schema)
        {
            if (!Keywords.Contains(keyword, StringComparer.Ordinal))
            {
                problems.Add($"{At(keyword)}: unsupported JSON Schema keyword (supported: {string.Join(", ", Keywords)})");
                continue;
            }

            switch (keyword)
            {
                case "type":
                    var names = value is JsonArray list ? list.ToArray() : [value];
                    if (names.Length == 0)
                    {
                        problems.Add($"{At(keyword)}: expected a type name or a non-empty list of them");
                    }

                    foreach (var name in names)
                    {
                        if (name is not JsonValue text || text.GetValueKind() != JsonValueKind.String
                            || !Types.Contains(text.GetValue<string>(), StringComparer.Ordinal))
                        {
                            problems.Add($"{At(keyword)}: expected one of {string.Join(", ", Types)}, got {Show(name)}");
                        }
                    }

                    break;
                case "required":
                    if (value is not JsonArray required
                        || required.Any(item => item is not JsonValue s || s.GetValueKind() != JsonValueKind.String))
                    {
                        problems.Add($"{At(keyword)}: expected a list of property names");
                    }

                    break;
                case "enum":
                    if (value is not JsonArray { Count: > 0 })
                    {
                        problems.Add($"{At(keyword)}: expected a non-empty list of values");
                    }

                    break;
                case "properties":
                    if (value is not JsonObject properties)
                    {
                        problems.Add($"{At(keyword)}: expected a mapping of property schemas");
                        break;
                    }

                    foreach (var (name, propertySchema) in properties)
                    {
                        if (propertySchema is JsonObject nested)
                        {
                            InspectSchema(nested, At(keyword) + "." + name, problems);
                        }
                        else
                        {
                            problems.Add($"{At(keyword)}.{name}: expected a schema (a mapping)");
                        }
                    }

                    break;
                case "items":
                    if (value is JsonObject itemSchema)
                    {
                        InspectSchema(itemSchema, At(keyword), problems);
                    }
                    else
                    {
                        problems.Add($"{At(keyword)}: expected a schema (a mapping)");
                    }

                    break;
            }
        }
    }
}
