using System.Text.Json.Nodes;
using GenieHive.Control.Benchmarks.Workloads;

namespace GenieHive.Tests.Benchmarks;

public sealed class WorkloadCheckTests
{
    private static readonly JsonObject OrderSchema = (JsonObject)JsonNode.Parse("""
        {"type":"object","required":["item","quantity","payment","tags"],
         "properties":{"item":{"type":"string"},"quantity":{"type":"integer"},
                       "payment":{"type":"string","enum":["card","cash"]},
                       "tags":{"type":"array","items":{"type":"string"}},
                       "note":{"type":["string","null"]}}}
        """)!;

    [Fact]
    public void AValidDocumentHasNoSchemaErrors()
    {
        var value = JsonNode.Parse("""{"item":"pizza","quantity":2,"payment":"card","tags":["large"],"note":null,"extra":true}""");

        Assert.Empty(JsonSchemaValidator.Validate(value, OrderSchema));
    }

    [Theory]
    [InlineData("""{"item":"pizza","quantity":2,"payment":"card"}""", "$: missing required property 'tags'")]
    [InlineData("""{"item":"pizza","quantity":2.5,"payment":"card","tags":[]}""", "$.quantity: expected integer, got number")]
    [InlineData("""{"item":"pizza","quantity":"2","payment":"card","tags":[]}""", "$.quantity: expected integer, got string")]
    [InlineData("""{"item":"pizza","quantity":2,"payment":"bitcoin","tags":[]}""", "$.payment: \"bitcoin\" is not one of \"card\", \"cash\"")]
    [InlineData("""{"item":"pizza","quantity":2,"payment":"card","tags":["a",3]}""", "$.tags[1]: expected string, got number")]
    [InlineData("""{"item":"pizza","quantity":2,"payment":"card","tags":[],"note":5}""", "$.note: expected string or null, got number")]
    [InlineData("""["not","an","object"]""", "$: expected object, got array")]
    public void EverySchemaViolationIsReportedWithItsPath(string json, string expected)
    {
        var errors = JsonSchemaValidator.Validate(JsonNode.Parse(json), OrderSchema);

        Assert.Contains(expected, errors);
    }

    [Fact]
    public void IntegersWrittenWithADecimalPointStillCountAsIntegers()
    {
        var schema = (JsonObject)JsonNode.Parse("""{"type":"integer"}""")!;

        Assert.Empty(JsonSchemaValidator.Validate(JsonNode.Parse("3.0"), schema));
        Assert.NotEmpty(JsonSchemaValidator.Validate(JsonNode.Parse("3.5"), schema));
    }

    [Theory]
    [InlineData("""{"type":"object","minProperties":1}""", "minProperties: unsupported JSON Schema keyword")]
    [InlineData("""{"type":"dict"}""", "type: expected one of object, array, string")]
    [InlineData("""{"properties":{"a":{"type":"strin"}}}""", "properties.a.type: expected one of")]
    [InlineData("""{"required":"a"}""", "required: expected a list of property names")]
    [InlineData("""{"enum":[]}""", "enum: expected a non-empty list of values")]
    [InlineData("""{"items":{"pattern":"x"}}""", "items.pattern: unsupported JSON Schema keyword")]
    public void SchemaProblemsNameTheKeyword(string schema, string expected)
    {
        var problems = JsonSchemaValidator.DescribeSchemaProblems((JsonObject)JsonNode.Parse(schema)!);

        Assert.Contains(problems, problem => problem.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"item":"pizza","quantity":2,"payment":"card","tags":[]}""", true, 1)]
    [InlineData("```json\n{\"item\":\"pizza\",\"quantity\":2,\"payment\":\"cash\",\"tags\":[\"x\"]}\n```", true, 1)]
    [InlineData("Here you go: {\"item\":\"pizza\",\"quantity\":2,\"payment\":\"card\",\"tags\":[]} Enjoy!", true, 1)]
    [InlineData("""{"item":"pizza","quantity":"two","payment":"card","tags":[]}""", false, 0.5)]
    [InlineData("Two pizzas, paid by card.", false, 0)]
    [InlineData("", false, 0)]
    public void TheJsonCheckAcceptsFencedJsonAndScoresPartialAnswers(string answer, bool passes, double score)
    {
        var outcome = new JsonSchemaCheck(OrderSchema).Evaluate(answer);

        Assert.Equal(passes, outcome.Passed);
        Assert.Equal(score, outcome.Score);
    }

    [Theory]
    [InlineData("Two hours and 35 minutes.", true)]
    [InlineData("   \n ", false)]
    [InlineData("", false)]
    public void TheNonEmptyCheckWantsVisibleText(string answer, bool passes)
    {
        Assert.Equal(passes, new NonEmptyCheck().Evaluate(answer).Passed);
    }

    [Fact]
    public void TheNonEmptyCheckCanCapTheWordCount()
    {
        var check = new NonEmptyCheck(maxWords: 3);

        Assert.True(check.Evaluate("one two three").Passed);
        var tooLong = check.Evaluate("one two three four");
        Assert.False(tooLong.Passed);
        Assert.Equal("4 words, more than 3", tooLong.Detail);
    }

    [Fact]
    public void TheContainsCheckIgnoresCase()
    {
        var check = new ContainsCheck(["2 hours 35", "155 minutes"]);

        Assert.True(check.Evaluate("It takes 155 MINUTES.").Passed);
        Assert.False(check.Evaluate("About three hours.").Passed);
    }

    [Fact]
    public void CosineOrderingPassesWhenTheParaphraseIsCloser()
    {
        float[] anchor = [1, 1, 0, 0];
        float[] similar = [1, 0.8f, 0.1f, 0];
        float[] unrelated = [0, 0, 1, 1];

        Assert.True(CosineOrderingCheck.Evaluate(anchor, similar, unrelated).Passed);
        var swapped = CosineOrderingCheck.Evaluate(anchor, unrelated, similar);
        Assert.False(swapped.Passed);
        Assert.Contains("cos(anchor, similar) 0", swapped.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void CosineOrderingFailsOnMismatchedDimensions()
    {
        var outcome = CosineOrderingCheck.Evaluate([1, 0], [1, 0, 0], [0, 1]);

        Assert.False(outcome.Passed);
        Assert.Contains("dimensions", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void CosineSimilarityIsScaleFreeAndZeroForAZeroVector()
    {
        Assert.Equal(1, Cosine.Similarity([1, 2, 3], [2, 4, 6]), 6);
        Assert.Equal(0, Cosine.Similarity([1, 0], [0, 1]), 6);
        Assert.Equal(0, Cosine.Similarity([0, 0], [1, 1]));
    }

    [Fact]
    public void TheBuiltInWorkloadsAreWellFormed()
    {
        var names = BuiltInWorkloads.All.Select(w => w.Name).ToList();

        Assert.Equal(["chat.short_reasoning", "chat.concise_support", "chat.structured_json", "embeddings.similarity"], names);
        foreach (var workload in BuiltInWorkloads.All)
        {
            Assert.InRange(workload.Cases.Count, 2, 10);
            Assert.Equal(workload.Cases.Count, workload.Cases.Select(c => c.Name).Distinct().Count());
            foreach (var workloadCase in workload.Cases)
            {
                if (workloadCase.Check is JsonSchemaCheck json)
                {
                    Assert.Empty(JsonSchemaValidator.DescribeSchemaProblems(json.Schema));
                }
            }
        }
    }

    [Theory]
    [InlineData("order", """{"item":"large pizza","quantity":2,"payment":"card"}""")]
    [InlineData("sentiment", """{"sentiment":"positive","confidence":0.93}""")]
    [InlineData("ticket", """{"title":"Login times out on Safari","component":"login","priority":"high","tags":["safari","timeout"]}""")]
    public void TheStructuredJsonCasesAcceptACorrectAnswer(string caseName, string answer)
    {
        var workload = BuiltInWorkloads.All.Single(w => w.Name == BuiltInWorkloads.StructuredJson);
        var check = (AnswerCheck)workload.Cases.Single(c => c.Name == caseName).Check;

        Assert.True(check.Evaluate(answer).Passed);
        Assert.False(check.Evaluate("""{"unrelated":true}""").Passed);
    }
}
