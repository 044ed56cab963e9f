using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GenieHive.Control.Benchmarks.Workloads;

/// <summary>What a check made of one answer: pass or fail, a score in [0, 1], and why.</summary>
public readonly record struct CheckOutcome(bool Passed, double Score, string? Detail)
{
    public static CheckOutcome Pass(string? detail = null) => new(true, 1, detail);

    public static CheckOutcome Fail(string detail, double score = 0) => new(false, score, detail);
}

/// <summary>A case's check. Chat checks judge the answer text; the embeddings check judges three vectors.</summary>
public abstract class WorkloadCheck
{
    public const string NonEmptyType = "non_empty";
    public const string ContainsType = "contains";
    public const string JsonSchemaType = "json_schema";
    public const string CosineOrderingType = "cosine_ordering";

    public static readonly string[] ChatTypes = [NonEmptyType, ContainsType, JsonSchemaType];

    public abstract string Type { get; }

    /// <summary>A short description for listings (<c>contains: 2 hours 35</c>).</summary>
    public virtual string Describe() => Type;
}

/// <summary>A check of a chat answer's visible text.</summary>
public abstract class AnswerCheck : WorkloadCheck
{
    public abstract CheckOutcome Evaluate(string answer);
}

/// <summary>The answer has visible text (and, when <see cref="MaxWords"/> is set, at most that many words).</summary>
public sealed class NonEmptyCheck(int? maxWords = null) : AnswerCheck
{
    public int? MaxWords { get; } = maxWords;

    public override string Type => NonEmptyType;

    public override string Describe() => MaxWords is { } max ? string.Create(CultureInfo.InvariantCulture, $"{Type} (≤ {max} words)") : Type;

    public override CheckOutcome Evaluate(string answer)
    {
        if (string.IsNullOrWhiteSpace(answer))
        {
            return CheckOutcome.Fail("the answer has no visible text");
        }

        if (MaxWords is { } max)
        {
            var words = answer.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
            if (words > max)
            {
                return CheckOutcome.Fail(string.Create(CultureInfo.InvariantCulture, $"{words} words, more than {max}"), 0.5);
            }
        }

        return CheckOutcome.Pass();
    }
}

/// <summary>The answer contains at least one of the expected phrases (case-insensitive).</summary>
public sealed class ContainsCheck(IReadOnlyList<string> expected) : AnswerCheck
{
    public IReadOnlyList<string> Expected { get; } = expected;

    public override string Type => ContainsType;

    public override string Describe() => Type + ": " + string.Join(" | ", Expected);

    public override CheckOutcome Evaluate(string answer)
    {
        foreach (var phrase in Expected)
        {
            if (answer.Contains(phrase, StringComparison.OrdinalIgnoreCase))
            {
                return CheckOutcome.Pass("found '" + phrase + "'");
            }
        }

        return CheckOutcome.Fail("none of the expected phrases is in the answer");
    }
}

/// <summary>
/// The answer is one JSON value (a Markdown code fence around it is tolerated) that satisfies a JSON Schema
/// (the subset <see cref="JsonSchemaValidator"/> supports). Score 1 when valid, 0.5 when it parses but breaks the
/// schema, 0 when it is not JSON.
/// </summary>
public sealed class JsonSchemaCheck(JsonObject schema) : AnswerCheck
{
    public JsonObject Schema { get; } = schema;

    public override string Type => JsonSchemaType;

    public override CheckOutcome Evaluate(string answer)
    {
        if (ParseAnswer(answer) is not { } parsed)
        {
            return CheckOutcome.Fail("the answer is not JSON");
        }

        var errors = JsonSchemaValidator.Validate(parsed.Value, Schema);
        return errors.Count == 0
            ? CheckOutcome.Pass()
            : CheckOutcome.Fail(string.Join("; ", errors.Take(3)), 0.5);
    }

    /// <summary>The JSON in an answer: the whole text, the inside of a code fence, or the outermost braces.</summary>
    public static JsonNodeBox? ParseAnswer(string answer)
    {
        var text = answer.Trim();
        if (text.StartsWith("```", StringComparison.Ordinal))
        {
            var firstLineEnd = text.IndexOf('\n', StringComparison.Ordinal);
            var closing = text.LastIndexOf("```", StringComparison.Ordinal);
            if (firstLineEnd > 0 && closing > firstLineEnd)
            {
                text = text[(firstLineEnd + 1)..closing].Trim();
            }
        }

        if (TryParse(text) is { } whole)
        {
            return whole;
        }

        var open = text.IndexOf('{', StringComparison.Ordinal);
        var close = text.LastIndexOf('}');
        return open >= 0 && close > open ? TryParse(text[open..(close + 1)]) : null;
    }

    private static JsonNodeBox? TryParse(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        try
        {
            return new JsonNodeBox(JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 64 }));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A parsed JSON value; a box because a JSON <c>null</c> is a valid answer and must differ from "no JSON".</summary>
public sealed record JsonNodeBox(JsonNode? Value);

/// <summary>The anchor's embedding is closer (cosine) to the paraphrase's than to the unrelated text's.</summary>
public sealed class CosineOrderingCheck : WorkloadCheck
{
    public static CosineOrderingCheck Instance { get; } = new();

    public override string Type => CosineOrderingType;

    public static CheckOutcome Evaluate(ReadOnlySpan<float> anchor, ReadOnlySpan<float> similar, ReadOnlySpan<float> unrelated)
    {
        if (anchor.Length == 0 || anchor.Length != similar.Length || anchor.Length != unrelated.Length)
        {
            return CheckOutcome.Fail(string.Create(CultureInfo.InvariantCulture,
                $"the embeddings have different or no dimensions ({anchor.Length}, {similar.Length}, {unrelated.Length})"));
        }

        var close = Cosine.Similarity(anchor, similar);
        var far = Cosine.Similarity(anchor, unrelated);
        var detail = string.Create(CultureInfo.InvariantCulture, $"cos(anchor, similar) {close:0.###}, cos(anchor, unrelated) {far:0.###}");
        return close > far ? CheckOutcome.Pass(detail) : CheckOutcome.Fail(detail);
    }
}

/// <summary>Cosine similarity of two vectors of the same length (0 when either is all zeros).</summary>
public static class Cosine
{
    public static double Similarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("The vectors have different lengths.", nameof(b));
        }

        double dot = 0, normA = 0, normB = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            normA += (double)a[i] * a[i];
            normB += (double)b[i] * b[i];
        }

        return normA == 0 || normB == 0 ? 0 : dot / (Math.Sqrt(normA) * Math.Sqrt(normB));
    }
}
