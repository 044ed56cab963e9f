using GenieHive.Contracts;
using GenieHive.Control.Benchmarks.Workloads;
using GenieHive.Tests.Control;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace GenieHive.Tests.Benchmarks;

public sealed class WorkloadFileTests
{
    private static readonly string[] BuiltIn = [.. BuiltInWorkloads.All.Select(w => w.Name)];

    private const string Valid = """
        workloads:
          - name: support.refunds
            description: Refund questions
            system: You are a support agent.
            max_tokens: 80
            body: { temperature: 0 }
            cases:
              - name: window
                prompt: How long do I have to return a jacket?
                check: { type: contains, expected: [30 days, thirty days] }
              - name: plain
                prompt: Say hello.
                max_tokens: 8
              - name: shape
                prompt: Give me JSON.
                check:
                  type: json_schema
                  schema: { type: object, required: [ok], properties: { ok: { type: boolean } } }
              - name: short
                prompt: One word please.
                check: { type: non_empty, max_words: 3 }
          - name: embeddings.faq
            kind: embeddings
            cases:
              - { name: reset, anchor: reset my password, similar: change my password, unrelated: bake bread }
        """;

    [Fact]
    public void AValidFileLoadsEveryWorkloadWithItsDefaults()
    {
        var workloads = WorkloadFileLoader.Load(Valid, "extra.yaml", BuiltIn);

        Assert.Equal(["support.refunds", "embeddings.faq"], workloads.Select(w => w.Name));
        var support = workloads[0];
        Assert.Equal(ServiceKinds.Chat, support.Kind);
        Assert.Equal("extra.yaml", support.Source);
        Assert.Equal(0, support.Body!["temperature"]!.GetValue<long>());
        Assert.Equal("You are a support agent.", support.Cases[0].System);
        Assert.Equal(80, support.Cases[0].MaxTokens);
        Assert.Equal(8, support.Cases[1].MaxTokens);
        Assert.IsType<ContainsCheck>(support.Cases[0].Check);
        Assert.IsType<NonEmptyCheck>(support.Cases[1].Check);
        Assert.IsType<JsonSchemaCheck>(support.Cases[2].Check);
        Assert.Equal(3, Assert.IsType<NonEmptyCheck>(support.Cases[3].Check).MaxWords);
        var faq = workloads[1];
        Assert.Equal(ServiceKinds.Embeddings, faq.Kind);
        Assert.Equal("change my password", faq.Cases[0].Similar);
        Assert.IsType<CosineOrderingCheck>(faq.Cases[0].Check);
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        { "workloads:\n  - kind: chat\n    cases: [{name: a, prompt: b}]\n", "workloads[0].name: missing (required)" },
        { "workloads:\n  - name: x\n    kind: painting\n    cases: [{name: a, prompt: b}]\n", "workloads[0].kind: expected one of chat, embeddings, got \"painting\"" },
        { "workloads:\n  - name: x\n", "workloads[0].cases: missing" },
        { "workloads:\n  - name: x\n    cases: []\n", "workloads[0].cases: expected a non-empty list" },
        { "workloads:\n  - name: x\n    cases:\n      - name: a\n", "workloads[0].cases[0].prompt: missing (required)" },
        { "workloads:\n  - name: x\n    cases:\n      - name: a\n        prompt: b\n        check: { type: vibes }\n", "workloads[0].cases[0].check.type: expected one of non_empty, contains, json_schema, got \"vibes\"" },
        { "workloads:\n  - name: x\n    cases:\n      - name: a\n        prompt: b\n        check: { type: contains }\n", "workloads[0].cases[0].check.expected: missing" },
        { "workloads:\n  - name: x\n    cases:\n      - name: a\n        prompt: b\n        check: { type: json_schema, schema: { type: object, minProperties: 2 } }\n", "workloads[0].cases[0].check.schema.minProperties: unsupported JSON Schema keyword" },
        { "workloads:\n  - name: x\n    cases:\n      - name: a\n        prompt: b\n        max_tokens: lots\n", "workloads[0].cases[0].max_tokens: expected an integer from 1 to 32768, got \"lots\"" },
        { "workloads:\n  - name: x\n    cases:\n      - name: a\n        prompt: b\n        temperature: 0\n", "workloads[0].cases[0].temperature: unknown field" },
        { "workloads:\n  - name: x\n    kind: embeddings\n    cases:\n      - { name: a, anchor: b, similar: c }\n", "workloads[0].cases[0].unrelated: missing (required)" },
        { "workloads:\n  - name: x\n    cases:\n      - { name: a, prompt: b }\n      - { name: a, prompt: c }\n", "workloads[0].cases[1].name: duplicate case name 'a'" },
        { "workloads:\n  - name: x\n    cases: [{name: a, prompt: b}]\n  - name: x\n    cases: [{name: a, prompt: b}]\n", "workloads[1].name: duplicate workload name 'x' (also workloads[0])" },
        { "workloads:\n  - name: chat.short_reasoning\n    cases: [{name: a, prompt: b}]\n", "workloads[0].name: 'chat.short_reasoning' is a built-in workload" },
        { "tests:\n  - name: x\n", "workloads: missing" },
        { "- name: x\n", "(top level): expected a mapping with a 'workloads:' list, got a list" },
        { "workloads:\n  - name: x\n    cases: [unclosed\n", "not valid YAML" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void AnInvalidFileNamesTheFileAndTheField(string yaml, string expected)
    {
        var error = Assert.Throws<WorkloadFileException>(() => WorkloadFileLoader.Load(yaml, "bad-workloads.yaml", BuiltIn));

        Assert.StartsWith("bad-workloads.yaml: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyFileHasNoWorkloads()
    {
        Assert.Empty(WorkloadFileLoader.Load("", "empty.yaml", BuiltIn));
        Assert.Empty(WorkloadFileLoader.Load("workloads:\n", "empty.yaml", BuiltIn));
    }

    [Fact]
    public async Task ControlRefusesToStartWithAnInvalidWorkloadsFile()
    {
        var path = await WriteTempAsync("workloads:\n  - name: x\n    cases:\n      - name: a\n        prompt: b\n        check: { type: vibes }\n");
        try
        {
            var error = await ControlFactory.StartupErrorAsync(new Dictionary<string, string?> { ["GenieHive:Benchmarks:WorkloadsPath"] = path });

            var fileError = Assert.IsType<WorkloadFileException>(error);
            Assert.Equal($"{path}: workloads[0].cases[0].check.type: expected one of non_empty, contains, json_schema, got \"vibes\"", fileError.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ControlRefusesToStartWhenTheWorkloadsFileIsMissing()
    {
        var path = Path.Combine(Path.GetTempPath(), "geniehive-tests", $"missing-workloads-{Guid.NewGuid():N}.yaml");

        var error = await ControlFactory.StartupErrorAsync(new Dictionary<string, string?> { ["GenieHive:Benchmarks:WorkloadsPath"] = path });

        Assert.IsType<WorkloadFileException>(error);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GenieHive:Benchmarks:Schedule:0:Workload", "chat.nonexistent", "is not a known workload")]
    [InlineData("GenieHive:Benchmarks:Schedule:0:Kind", "embeddings", "is for chat, not embeddings")]
    public async Task ControlRefusesToStartWithABadSchedule(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["GenieHive:Benchmarks:Schedule:0:Workload"] = "chat.short_reasoning",
            ["GenieHive:Benchmarks:Schedule:0:Kind"] = "chat",
            ["GenieHive:Benchmarks:Schedule:0:EveryHours"] = "6",
        };
        settings[key] = value;

        var error = await ControlFactory.StartupErrorAsync(settings);

        Assert.IsType<OptionsValidationException>(error);
        Assert.Contains("GenieHive:Benchmarks:Schedule:0", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GenieHive:Benchmarks:Schedule:0:Role", "mentor")]
    [InlineData("GenieHive:Benchmarks:Schedule:0:EveryHours", "0")]
    [InlineData("GenieHive:Benchmarks:MaxSampleAgeHours", "-1")]
    public async Task ControlRefusesToStartWithInvalidBenchmarkSettings(string key, string value)
    {
        var settings = new Dictionary<string, string?>
        {
            ["GenieHive:Benchmarks:Schedule:0:Workload"] = "chat.short_reasoning",
            ["GenieHive:Benchmarks:Schedule:0:Kind"] = "chat",
        };
        settings[key] = value;

        var error = await ControlFactory.StartupErrorAsync(settings);

        Assert.IsType<OptionsValidationException>(error);
        Assert.Contains(key[(key.LastIndexOf(':') + 1)..], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void YamlTheParserStumblesOnIsRefusedNamingTheFile()
    {
        // YamlDotNet throws InvalidOperationException here (found by bench/fuzz.sh).
        var error = Assert.Throws<WorkloadFileException>(() => WorkloadFileLoader.Load("workloads: [a\nb: [c]\n", "bad-workloads.yaml", BuiltIn));

        Assert.StartsWith("bad-workloads.yaml: not valid YAML", error.Message, StringComparison.Ordinal);
    }

    private static async Task<string> WriteTempAsync(string yaml)
    {
        var path = Path.Combine(Path.GetTempPath(), "geniehive-tests", $"workloads-{Guid.NewGuid():N}.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, yaml, TestContext.Current.CancellationToken);
        return path;
    }
}
