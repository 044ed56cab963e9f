using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GenieHive.Control.Roles;

/// <summary>
/// YAML to <see cref="JsonNode"/>, typing plain scalars by the YAML 1.2 core schema: null, true/false,
/// integers (decimal, 0o, 0x), floats; quoted, literal and folded scalars are always strings, as is a
/// scalar tagged <c>!!str</c>. Infinities and NaN have no JSON form, so they stay strings.
/// </summary>
public static partial class YamlJson
{
    private const string StringTag = "tag:yaml.org,2002:str";
    private const int MaxShownLength = 60;

    /// <summary>Parses the first document; null when the text has no document or an empty one.</summary>
    public static JsonNode? Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    /// <summary>
    /// A converted value as a loader's error message shows it: "null", "a mapping", "a list", or the value itself,
    /// cut to 60 characters so a huge scalar cannot flood the log.
    /// </summary>
    public static string Describe(JsonNode? value)
    {
        switch (value)
        {
            case null:
                return "null";
            case JsonObject:
                return "a mapping";
            case JsonArray:
                return "a list";
        }

        var json = value.ToJsonString();
        return json.Length <= MaxShownLength ? json : json[..MaxShownLength] + "…";
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => ConvertMapping(mapping),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Convert)]),
        YamlScalarNode scalar => ConvertScalar(scalar),
        _ => throw new YamlException(node.Start, node.End, "Unsupported YAML node."),
    };

    private static JsonObject ConvertMapping(YamlMappingNode mapping)
    {
        var result = new JsonObject();
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                throw new YamlException(keyNode.Start, keyNode.End, "Mapping keys must be plain values.");
            }

            if (result.ContainsKey(key))
            {
                throw new YamlException(keyNode.Start, keyNode.End, $"Duplicate key '{key}'.");
            }

            result[key] = Convert(valueNode);
        }

        return result;
    }

    private static JsonNode? ConvertScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain || (scalar.Tag.IsGlobal && string.Equals(scalar.Tag.Value, StringTag, StringComparison.Ordinal)))
        {
            return JsonValue.Create(text);
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (DecimalInteger().IsMatch(text))
        {
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer)
                ? JsonValue.Create(integer)
                : JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture));
        }

        if (text.StartsWith("0o", StringComparison.Ordinal) && text.Length > 2 && text[2..].All(c => c is >= '0' and <= '7'))
        {
            try
            {
                return JsonValue.Create(System.Convert.ToInt64(text[2..], 8));
            }
            catch (OverflowException)
            {
                // Wider than 64 bits (found by bench/fuzz.sh): not a number this catalog can use, kept as its text.
            }
        }

        if (text.StartsWith("0x", StringComparison.Ordinal)
            && long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return JsonValue.Create(hex);
        }

        if (Float().IsMatch(text)
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && double.IsFinite(number))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(text);
    }

    [GeneratedRegex("^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalInteger();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Float();
}
