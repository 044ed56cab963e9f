using System.Text.Json.Nodes;
using GenieHive.Contracts;

namespace GenieHive.Control.Benchmarks.Workloads;

/// <summary>
/// The workloads every Control has. Chat workloads disable Qwen3-style thinking (as the earlier runner did), so
/// that a token budget buys a visible answer; checks are deliberately simple and robust: a visible answer, JSON
/// that matches a small schema, or an embedding that puts a paraphrase closer than an unrelated text.
/// </summary>
public static class BuiltInWorkloads
{
    public const string ShortReasoning = "chat.short_reasoning";
    public const string ConciseSupport = "chat.concise_support";
    public const string StructuredJson = "chat.structured_json";
    public const string EmbeddingsSimilarity = "embeddings.similarity";

    public static IReadOnlyList<BenchmarkWorkload> All { get; } =
    [
        new(ShortReasoning, ServiceKinds.Chat, "Short word problems answered in a sentence or two.", BenchmarkWorkload.BuiltInSource,
            Chat("Reason briefly and answer in one or two sentences.", 64,
                ("journey-time", "A train leaves at 14:10 and arrives at 16:45. How long is the journey?"),
                ("unit-price", "If three pens cost 4.50, how much do seven pens cost?"),
                ("ordering", "Alice is older than Bob, and Bob is older than Carol. Who is the youngest?")),
            NoThinking()),
        new(ConciseSupport, ServiceKinds.Chat, "Customer support questions answered in a few friendly sentences.", BenchmarkWorkload.BuiltInSource,
            Chat("You are a friendly support agent. Answer in at most three short sentences.", 96,
                ("missing-parcel", "My package shows as delivered but I can't find it. What should I do?"),
                ("change-email", "How do I change the email address on my account?"),
                ("refund", "Can I get a refund for an annual plan after two months?")),
            NoThinking()),
        new(StructuredJson, ServiceKinds.Chat, "Extraction into JSON that must match a small schema.", BenchmarkWorkload.BuiltInSource,
            [
                Json("order",
                    "Extract the order from: \"Two large pizzas to 12 Elm Street, paid by card.\" "
                    + "Return JSON with item (string), quantity (integer) and payment (\"card\" or \"cash\").",
                    """{"type":"object","required":["item","quantity","payment"],"properties":{"item":{"type":"string"},"quantity":{"type":"integer"},"payment":{"type":"string","enum":["card","cash"]}}}"""),
                Json("sentiment",
                    "Classify the sentiment of: \"The update fixed my crash, thanks!\" "
                    + "Return JSON with sentiment (\"positive\", \"negative\" or \"neutral\") and confidence (a number from 0 to 1).",
                    """{"type":"object","required":["sentiment","confidence"],"properties":{"sentiment":{"type":"string","enum":["positive","negative","neutral"]},"confidence":{"type":"number"}}}"""),
                Json("ticket",
                    "Turn this report into a ticket: \"The login page times out on Safari since Tuesday.\" "
                    + "Return JSON with title (string), component (string), priority (\"low\", \"medium\" or \"high\") and tags (a list of strings).",
                    """{"type":"object","required":["title","component","priority","tags"],"properties":{"title":{"type":"string"},"component":{"type":"string"},"priority":{"type":"string","enum":["low","medium","high"]},"tags":{"type":"array","items":{"type":"string"}}}}"""),
            ],
            NoThinking(temperature: 0)),
        new(EmbeddingsSimilarity, ServiceKinds.Embeddings, "A paraphrase must embed closer to its anchor than an unrelated text.", BenchmarkWorkload.BuiltInSource,
            [
                Embed("password", "How do I reset my password?", "I forgot my password and need to change it.", "The train to Lyon leaves from platform nine."),
                Embed("cat", "The cat sat on the warm windowsill.", "A cat was sitting on the sunny window ledge.", "Quarterly revenue grew by eight percent."),
                Embed("recipe", "Add two cups of flour to the bowl.", "Put two cups of flour into the mixing bowl.", "The server returned a timeout error."),
            ]),
    ];

    private static WorkloadCase[] Chat(string system, int maxTokens, params (string Name, string Prompt)[] cases) =>
        [.. cases.Select(c => new WorkloadCase { Name = c.Name, Prompt = c.Prompt, System = system, MaxTokens = maxTokens, Check = new NonEmptyCheck() })];

    private static WorkloadCase Json(string name, string prompt, string schema) => new()
    {
        Name = name,
        Prompt = prompt,
        System = "Reply with one JSON object and nothing else.",
        MaxTokens = 160,
        Check = new JsonSchemaCheck((JsonObject)JsonNode.Parse(schema)!),
    };

    private static WorkloadCase Embed(string name, string anchor, string similar, string unrelated) => new()
    {
        Name = name,
        Anchor = anchor,
        Similar = similar,
        Unrelated = unrelated,
        Check = CosineOrderingCheck.Instance,
    };

    private static JsonObject NoThinking(double? temperature = null)
    {
        var body = new JsonObject { ["chat_template_kwargs"] = new JsonObject { ["enable_thinking"] = false } };
        if (temperature is { } value)
        {
            body["temperature"] = value;
        }

        return body;
    }
}
