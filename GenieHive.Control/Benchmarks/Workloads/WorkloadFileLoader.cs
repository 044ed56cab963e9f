using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Control.Roles;
using YamlDotNet.Core;

namespace GenieHive.Control.Benchmarks.Workloads;

/// <summary>
/// Reads workloads from YAML, in the spirit of the built-in ones:
/// <code>
/// workloads:
///   - name: support.refunds          # required, unique, not a built-in name
///     kind: chat                     # chat (default) | embeddings
///     description: Refund questions
///     system: You are a support agent.   # default system prompt of the cases
///     max_tokens: 96                 # default token budget of the cases
///     body: { temperature: 0 }       # extra request fields
///     cases:
///       - name: window
///         prompt: How long do I have to return a jacket?
///         check: { type: contains, expected: [30 days, thirty days] }   # or non_empty | json_schema (with schema:)
///   - name: embeddings.faq
///     kind: embeddings
///     cases:
///       - { name: reset, anchor: ..., similar: ..., unrelated: ... }  # check: cosine_ordering
/// </code>
/// YAML becomes a JSON tree as the role catalog's does (<see cref="YamlJson"/>); every problem is reported as
/// <c>file: workloads[0].cases[1].check.type: expected one of ..., got "foo"</c>.
/// </summary>
public static class WorkloadFileLoader
{
    public const int MaxCases = 100;
    public const int MaxTokensLimit = 32_768;

    private static readonly string[] Kinds = [ServiceKinds.Chat, ServiceKinds.Embeddings];
    private static readonly string[] WorkloadFields = ["name", "kind", "description", "system", "max_tokens", "body", "cases"];
    private static readonly string[] ChatCaseFields = ["name", "prompt", "system", "max_tokens", "check"];
    private static readonly string[] EmbeddingCaseFields = ["name", "anchor", "similar", "unrelated", "check"];

    /// <summary>Loads the file at <paramref name="path"/>; throws <see cref="WorkloadFileException"/> on any problem.</summary>
    public static IReadOnlyList<BenchmarkWorkload> LoadFile(string path, IEnumerable<string> reservedNames)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new WorkloadFileException($"{path}: cannot read the workloads file: {ex.Message}", ex);
        }

        return Load(text, path, reservedNames);
    }

    /// <summary>Loads workloads from YAML text; <paramref name="source"/> names it in errors and in each workload's source.</summary>
    public static IReadOnlyList<BenchmarkWorkload> Load(string yaml, string source, IEnumerable<string> reservedNames)
    {
        JsonNode? root;
        try
        {
            root = YamlJson.Parse(yaml);
        }
        catch (YamlException ex)
        {
            throw new WorkloadFileException(string.Create(CultureInfo.InvariantCulture,
                $"{source}: line {ex.Start.Line}, column {ex.Start.Column}: not valid YAML: {ex.Message}"), ex);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // YamlDotNet's scanner throws InvalidOperationException on some malformed plain scalars inside flow
            // collections (found by bench/fuzz.sh): a file the operator must fix, not a crash without its name.
            throw new WorkloadFileException($"{source}: not valid YAML: {ex.Message}", ex);
        }

        if (root is null)
        {
            return [];
        }

        if (root is not JsonObject document)
        {
            throw Error(source, "(top level)", $"expected a mapping with a 'workloads:' list, got {YamlJson.Describe(root)}");
        }

        if (!document.TryGetPropertyValue("workloads", out var listNode))
        {
            throw Error(source, "workloads", "missing (the file is a top-level 'workloads:' list)");
        }

        if (listNode is null)
        {
            return [];
        }

        if (listNode is not JsonArray items)
        {
            throw Error(source, "workloads", $"expected a list, got {YamlJson.Describe(listNode)}");
        }

        var reserved = reservedNames.ToHashSet(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var workloads = new List<BenchmarkWorkload>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"workloads[{i}]");
            var workload = ReadWorkload(items[i], path, source);
            if (reserved.Contains(workload.Name))
            {
                throw Error(source, path + ".name", $"'{workload.Name}' is a built-in workload; choose another name");
            }

            if (seen.TryGetValue(workload.Name, out var first))
            {
                throw Error(source, path + ".name",
                    string.Create(CultureInfo.InvariantCulture, $"duplicate workload name '{workload.Name}' (also workloads[{first}])"));
            }

            seen[workload.Name] = i;
            workloads.Add(workload);
        }

        return workloads;
    }

    private static BenchmarkWorkload ReadWorkload(JsonNode? node, string path, string source)
    {
        var item = Mapping(node, path, source);
        RejectUnknown(item, WorkloadFields, path, source);
        var name = RequiredString(item, "name", path, source);
        var kind = OptionalString(item, "kind", path, source) ?? ServiceKinds.Chat;
        if (!Kinds.Contains(kind, StringComparer.Ordinal))
        {
            throw Error(source, path + ".kind", $"expected one of {string.Join(", ", Kinds)}, got \"{kind}\"");
        }

        var description = OptionalString(item, "description", path, source);
        var system = OptionalString(item, "system", path, source);
        var maxTokens = OptionalTokens(item, "max_tokens", path, source);
        JsonObject? body = null;
        if (item.TryGetPropertyValue("body", out var bodyNode) && bodyNode is not null)
        {
            body = bodyNode as JsonObject ?? throw Error(source, path + ".body", $"expected a mapping, got {YamlJson.Describe(bodyNode)}");
            body = (JsonObject)body.DeepClone();
        }

        if (!item.TryGetPropertyValue("cases", out var casesNode) || casesNode is null)
        {
            throw Error(source, path + ".cases", "missing (required: a list of at least one case)");
        }

        if (casesNode is not JsonArray caseItems || caseItems.Count == 0)
        {
            throw Error(source, path + ".cases", $"expected a non-empty list, got {YamlJson.Describe(casesNode)}");
        }

        if (caseItems.Count > MaxCases)
        {
            throw Error(source, path + ".cases", string.Create(CultureInfo.InvariantCulture, $"has {caseItems.Count} cases; at most {MaxCases}"));
        }

        var cases = new List<WorkloadCase>(caseItems.Count);
        var caseNames = new HashSet<string>(StringComparer.Ordinal);
        for (var c = 0; c < caseItems.Count; c++)
        {
            var casePath = string.Create(CultureInfo.InvariantCulture, $"{path}.cases[{c}]");
            var workloadCase = kind == ServiceKinds.Chat
                ? ReadChatCase(caseItems[c], casePath, source, system, maxTokens)
                : ReadEmbeddingCase(caseItems[c], casePath, source);
            if (!caseNames.Add(workloadCase.Name))
            {
                throw Error(source, casePath + ".name", $"duplicate case name '{workloadCase.Name}'");
            }

            cases.Add(workloadCase);
        }

        return new BenchmarkWorkload(name, kind, description, source, cases, body);
    }

    private static WorkloadCase ReadChatCase(JsonNode? node, string path, string source, string? system, int? maxTokens)
    {
        var item = Mapping(node, path, source);
        RejectUnknown(item, ChatCaseFields, path, source);
        return new WorkloadCase
        {
            Name = RequiredString(item, "name", path, source),
            Prompt = RequiredString(item, "prompt", path, source),
            System = OptionalString(item, "system", path, source) ?? system,
            MaxTokens = OptionalTokens(item, "max_tokens", path, source) ?? maxTokens,
            Check = ReadChatCheck(item, path, source),
        };
    }

    private static WorkloadCase ReadEmbeddingCase(JsonNode? node, string path, string source)
    {
        var item = Mapping(node, path, source);
        RejectUnknown(item, EmbeddingCaseFields, path, source);
        if (item.TryGetPropertyValue("check", out var check) && check is not null
            && !(check is JsonValue value && value.TryGetValue<string>(out var type) && type == WorkloadCheck.CosineOrderingType))
        {
            throw Error(source, path + ".check", $"embeddings cases use {WorkloadCheck.CosineOrderingType}, got {YamlJson.Describe(check)}");
        }

        return new WorkloadCase
        {
            Name = RequiredString(item, "name", path, source),
            Anchor = RequiredString(item, "anchor", path, source),
            Similar = RequiredString(item, "similar", path, source),
            Unrelated = RequiredString(item, "unrelated", path, source),
            Check = CosineOrderingCheck.Instance,
        };
    }

    private static AnswerCheck ReadChatCheck(JsonObject item, string path, string source)
    {
        var checkPath = path + ".check";
        if (!item.TryGetPropertyValue("check", out var node) || node is null)
        {
            return new NonEmptyCheck();
        }

        JsonObject spec;
        if (node is JsonValue scalar && scalar.TryGetValue<string>(out var shorthand))
        {
            spec = new JsonObject { ["type"] = shorthand };
        }
        else
        {
            spec = node as JsonObject ?? throw Error(source, checkPath, $"expected a check type or a mapping, got {YamlJson.Describe(node)}");
        }

        var type = RequiredString(spec, "type", checkPath, source);
        switch (type)
        {
            case WorkloadCheck.NonEmptyType:
                RejectUnknown(spec, ["type", "max_words"], checkPath, source);
                return new NonEmptyCheck(OptionalPositiveInt(spec, "max_words", checkPath, source, int.MaxValue));
            case WorkloadCheck.ContainsType:
                RejectUnknown(spec, ["type", "expected"], checkPath, source);
                if (!spec.TryGetPropertyValue("expected", out var expectedNode) || expectedNode is null)
                {
                    throw Error(source, checkPath + ".expected", "missing (required: the phrases one of which the answer must contain)");
                }

                var expected = StringList(expectedNode, checkPath + ".expected", source);
                if (expected.Count == 0 || expected.Any(string.IsNullOrWhiteSpace))
                {
                    throw Error(source, checkPath + ".expected", "expected a non-empty list of non-empty phrases");
                }

                return new ContainsCheck(expected);
            case WorkloadCheck.JsonSchemaType:
                RejectUnknown(spec, ["type", "schema"], checkPath, source);
                if (!spec.TryGetPropertyValue("schema", out var schemaNode) || schemaNode is not JsonObject schema)
                {
                    throw Error(source, checkPath + ".schema", "missing or not a mapping (required: the JSON Schema the answer must match)");
                }

                var problems = JsonSchemaValidator.DescribeSchemaProblems(schema);
                if (problems.Count > 0)
                {
                    throw Error(source, checkPath + ".schema." + problems[0]);
                }

                return new JsonSchemaCheck((JsonObject)schema.DeepClone());
            default:
                throw Error(source, checkPath + ".type", $"expected one of {string.Join(", ", WorkloadCheck.ChatTypes)}, got \"{type}\"");
        }
    }

    private static JsonObject Mapping(JsonNode? node, string path, string source) =>
        node as JsonObject ?? throw Error(source, path, $"expected a mapping, got {YamlJson.Describe(node)}");

    private static void RejectUnknown(JsonObject item, string[] known, string path, string source)
    {
        foreach (var (key, _) in item)
        {
            if (!known.Contains(key, StringComparer.Ordinal))
            {
                throw Error(source, path + "." + key, $"unknown field (expected {string.Join(", ", known)})");
            }
        }
    }

    private static string RequiredString(JsonObject item, string field, string path, string source)
    {
        var value = OptionalString(item, field, path, source);
        return string.IsNullOrWhiteSpace(value)
            ? throw Error(source, path + "." + field, value is null ? "missing (required)" : "must not be empty")
            : value.Trim();
    }

    private static string? OptionalString(JsonObject item, string field, string path, string source)
    {
        if (!item.TryGetPropertyValue(field, out var node) || node is null)
        {
            return null;
        }

        return node switch
        {
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            // A plain scalar YAML typed as a number or boolean is still meant as text.
            JsonValue value => value.ToJsonString(),
            _ => throw Error(source, path + "." + field, $"expected a string, got {YamlJson.Describe(node)}"),
        };
    }

    private static int? OptionalTokens(JsonObject item, string field, string path, string source) =>
        OptionalPositiveInt(item, field, path, source, MaxTokensLimit);

    private static int? OptionalPositiveInt(JsonObject item, string field, string path, string source, int max)
    {
        if (!item.TryGetPropertyValue(field, out var node) || node is null)
        {
            return null;
        }

        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            && value.TryGetValue<long>(out var number) && number >= 1 && number <= max)
        {
            return (int)number;
        }

        throw Error(source, path + "." + field, string.Create(CultureInfo.InvariantCulture, $"expected an integer from 1 to {max}, got {YamlJson.Describe(node)}"));
    }

    private static List<string> StringList(JsonNode node, string path, string source)
    {
        if (node is not JsonArray array)
        {
            throw Error(source, path, $"expected a list, got {YamlJson.Describe(node)}");
        }

        var result = new List<string>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            result.Add(array[i] switch
            {
                JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
                JsonValue value => value.ToJsonString(),
                var other => throw Error(source, string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]"), $"expected a string, got {YamlJson.Describe(other)}"),
            });
        }

        return result;
    }

    private static WorkloadFileException Error(string source, string path, string problem) => new($"{source}: {path}: {problem}");

    private static WorkloadFileException Error(string source, string pathAndProblem) => new($"{source}: {pathAndProblem}");
}
