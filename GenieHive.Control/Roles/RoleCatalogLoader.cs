using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Control.Storage;
using YamlDotNet.Core;

namespace GenieHive.Control.Roles;

/// <summary>A loaded catalog, with warnings that do not stop Control (for example a fallback to an unknown role).</summary>
public sealed record LoadedCatalog(string? Path, IReadOnlyList<RoleView> Roles, IReadOnlyList<string> Warnings);

/// <summary>
/// Reads a roles YAML file in the earlier implementation's format. YAML becomes a JSON tree (core schema
/// scalars), every known field is checked and normalised against <see cref="RoleSchema"/> (so the error says
/// <c>roles.yaml: roles[2].routing_policy.min_context: expected an integer, got "lots"</c>), and the
/// result is deserialized with the wire's JSON metadata, so the catalog and <c>/v1/cluster/roles</c> agree.
/// </summary>
public static class RoleCatalogLoader
{

    /// <summary>Loads the file at <paramref name="path"/>; throws <see cref="RoleCatalogException"/> on any problem.</summary>
    public static LoadedCatalog LoadFile(string path, double now)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RoleCatalogException($"{path}: cannot read the role catalog: {ex.Message}", ex);
        }

        return Load(text, path, now);
    }

    /// <summary>Loads catalog text; <paramref name="source"/> names it in error messages.</summary>
    public static LoadedCatalog Load(string yaml, string source, double now)
    {
        JsonNode? root;
        try
        {
            root = YamlJson.Parse(yaml);
        }
        catch (YamlException ex)
        {
            throw new RoleCatalogException(string.Create(CultureInfo.InvariantCulture,
                $"{source}: line {ex.Start.Line}, column {ex.Start.Column}: not valid YAML: {ex.Message}"), ex);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // YamlDotNet's scanner throws InvalidOperationException on some malformed plain scalars inside flow
            // collections (found by bench/fuzz.sh): a file the operator must fix, not a crash without its name.
            throw new RoleCatalogException($"{source}: not valid YAML: {ex.Message}", ex);
        }

        if (root is null)
        {
            return new LoadedCatalog(source, [], []);
        }

        if (root is not JsonObject document)
        {
            throw Error(source, "(top level)", $"expected a mapping with a 'roles:' list, got {YamlJson.Describe(root)}");
        }

        if (!document.TryGetPropertyValue("roles", out var rolesNode))
        {
            throw Error(source, "roles", "missing (the catalog is a top-level 'roles:' list)");
        }

        if (rolesNode is null)
        {
            return new LoadedCatalog(source, [], []);
        }

        if (rolesNode is not JsonArray items)
        {
            throw Error(source, "roles", $"expected a list, got {YamlJson.Describe(rolesNode)}");
        }

        var roles = new List<RoleView>(items.Count);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"roles[{i}]");
            if (items[i] is not JsonObject item)
            {
                throw Error(source, path, $"expected a mapping, got {YamlJson.Describe(items[i])}");
            }

            Normalize(item, RoleSchema.Role, path, source);
            var roleId = item["role_id"]!.GetValue<string>();
            if (seen.TryGetValue(roleId, out var first))
            {
                throw Error(source, path + ".role_id",
                    string.Create(CultureInfo.InvariantCulture, $"duplicate role id '{roleId}' (also roles[{first}])"));
            }

            seen[roleId] = i;
            roles.Add(ToRole(item, path, source, now));
        }

        return new LoadedCatalog(source, [.. roles.OrderBy(role => role.RoleId, StringComparer.Ordinal)], FallbackWarnings(source, roles, seen));
    }

    private static RoleView ToRole(JsonObject item, string path, string source, double now)
    {
        item.Remove("updated_at");
        RoleView? role;
        try
        {
            role = item.Deserialize(GenieHiveJsonContext.Default.RoleView);
        }
        catch (JsonException ex)
        {
            var field = ex.Path is { Length: > 1 } jsonPath ? path + jsonPath[1..] : path;
            throw Error(source, field, "has a value of the wrong type", ex);
        }

        if (role is null)
        {
            throw Error(source, path, "is empty");
        }

        StoredJson.Freeze(role.PromptPolicy.RequestPolicy?.BodyDefaults);
        return role with { UpdatedAt = now };
    }

    private static List<string> FallbackWarnings(string source, List<RoleView> roles, Dictionary<string, int> index)
    {
        var warnings = new List<string>();
        foreach (var role in roles)
        {
            foreach (var fallback in role.RoutingPolicy.FallbackRoles)
            {
                if (!index.ContainsKey(fallback))
                {
                    warnings.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{source}: roles[{index[role.RoleId]}].routing_policy.fallback_roles: '{fallback}' is not a role in this catalog; it will be skipped"));
                }
            }
        }

        return warnings;
    }

    /// <summary>
    /// Checks each known field of <paramref name="node"/> and rewrites it to the type the wire expects:
    /// null means "not set" (removed, so the default applies), and the lenient forms older catalogs use
    /// (YAML 1.1 yes/no, numbers quoted as strings) become the plain values.
    /// </summary>
    private static void Normalize(JsonObject node, RoleField[] fields, string path, string source)
    {
        foreach (var field in fields)
        {
            var fieldPath = path + "." + field.Name;
            if (!node.TryGetPropertyValue(field.Name, out var value) || value is null)
            {
                if (field.Required)
                {
                    throw Error(source, fieldPath, "missing (required)");
                }

                node.Remove(field.Name);
                continue;
            }

            JsonNode normalized = field.Type switch
            {
                RoleFieldType.String => AsString(value, fieldPath, source),
                RoleFieldType.Integer => AsInteger(value, fieldPath, source),
                RoleFieldType.Number => AsNumber(value, fieldPath, source),
                RoleFieldType.Boolean => AsBoolean(value, fieldPath, source),
                RoleFieldType.StringList => AsStringList(value, fieldPath, source),
                RoleFieldType.Mapping or RoleFieldType.FreeMapping => value is JsonObject
                    ? value
                    : throw Error(source, fieldPath, $"expected a mapping, got {YamlJson.Describe(value)}"),
                _ => value,
            };

            if (field.Type == RoleFieldType.String && field.Required && normalized.GetValue<string>().Trim().Length == 0)
            {
                throw Error(source, fieldPath, "must not be empty");
            }

            if (field.Allowed is { } allowed && !allowed.Contains(normalized.GetValue<string>(), StringComparer.Ordinal))
            {
                throw Error(source, fieldPath,
                    $"expected one of {string.Join(", ", allowed)}, got {YamlJson.Describe(normalized)}");
            }

            if (!ReferenceEquals(normalized, value))
            {
                node[field.Name] = normalized;
            }

            if (field.Type == RoleFieldType.Mapping && field.Fields is { } nested)
            {
                Normalize((JsonObject)normalized, nested, fieldPath, source);
            }
        }
    }

    private static JsonNode AsString(JsonNode value, string path, string source) => value switch
    {
        JsonValue scalar when scalar.GetValueKind() == JsonValueKind.String => value,
        // A plain scalar that YAML typed as a number or boolean (display_name: 2024) is still meant as text.
        JsonValue scalar => JsonValue.Create(scalar.ToJsonString()),
        _ => throw Error(source, path, $"expected a string, got {YamlJson.Describe(value)}"),
    };

    private static JsonNode AsInteger(JsonNode value, string path, string source)
    {
        if (value is JsonValue scalar)
        {
            switch (scalar.GetValueKind())
            {
                case JsonValueKind.Number when scalar.TryGetValue<long>(out var integer) && integer is >= int.MinValue and <= int.MaxValue:
                    return JsonValue.Create((int)integer);
                case JsonValueKind.Number when scalar.TryGetValue<double>(out var real) && real == Math.Floor(real) && real is >= int.MinValue and <= int.MaxValue:
                    return JsonValue.Create((int)real);
                case JsonValueKind.String when int.TryParse(scalar.GetValue<string>().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed):
                    return JsonValue.Create(parsed);
            }
        }

        throw Error(source, path, $"expected an integer, got {YamlJson.Describe(value)}");
    }

    private static JsonNode AsNumber(JsonNode value, string path, string source) =>
        value is JsonValue scalar && scalar.GetValueKind() == JsonValueKind.Number
            ? value
            : throw Error(source, path, $"expected a number, got {YamlJson.Describe(value)}");

    private static JsonNode AsBoolean(JsonNode value, string path, string source)
    {
        if (value is JsonValue scalar)
        {
            switch (scalar.GetValueKind())
            {
                case JsonValueKind.True or JsonValueKind.False:
                    return value;
                case JsonValueKind.String:
                    // YAML 1.1 (the earlier implementation's parser) read yes/no/on/off as booleans.
                    switch (scalar.GetValue<string>().Trim().ToLowerInvariant())
                    {
                        case "true" or "yes" or "on" or "y":
                            return JsonValue.Create(true);
                        case "false" or "no" or "off" or "n":
                            return JsonValue.Create(false);
                    }

                    break;
            }
        }

        throw Error(source, path, $"expected true or false, got {YamlJson.Describe(value)}");
    }

    private static JsonArray AsStringList(JsonNode value, string path, string source)
    {
        if (value is not JsonArray array)
        {
            throw Error(source, path, $"expected a list, got {YamlJson.Describe(value)}");
        }

        var result = new JsonArray();
        for (var i = 0; i < array.Count; i++)
        {
            var itemPath = string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]");
            if (array[i] is null)
            {
                throw Error(source, itemPath, "expected a string, got null");
            }

            result.Add(JsonValue.Create(((JsonValue)AsString(array[i]!, itemPath, source)).GetValue<string>()));
        }

        return result;
    }

    private static RoleCatalogException Error(string source, string path, string problem, Exception? inner = null) =>
        new($"{source}: {path}: {problem}", inner);
}
