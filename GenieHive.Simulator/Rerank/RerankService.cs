using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Simulator.Embeddings;
using GenieHive.Simulator.Faults;
using GenieHive.Simulator.Wire;

namespace GenieHive.Simulator.Rerank;

/// <summary>
/// Answers <c>/v1/rerank</c> in the Jina/Cohere shape llama-server (<c>--reranking</c>) and vLLM serve: each document
/// scored by the cosine of its bag-of-words vector with the query's (documents sharing the query's words rank first),
/// results sorted best first, <c>top_n</c> and <c>return_documents</c> honoured. Faults apply as on every endpoint.
/// </summary>
public sealed class RerankService(FaultGate faults)
{
    private const int Dimensions = 256;

    public async Task HandleAsync(HttpContext context)
    {
        JsonObject? request;
        try
        {
            request = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            request = null;
        }

        string? query, model;
        JsonArray? documents;
        List<string?> texts;
        try
        {
            query = Text(request?["query"]);
            model = Text(request?["model"]);
            documents = request?["documents"] as JsonArray;
            texts = documents?.Select(d => Text(d) ?? (d is JsonObject o ? Text(o["text"]) : null)).ToList() ?? [];
        }
        catch (InvalidOperationException exception)
        {
            await OpenAiError.NotUnicodeText(exception).WriteAsync(context);
            return;
        }
        catch (ArgumentException exception)
        {
            // A key repeated in the body, which JsonObject refuses when it is first read: a client's mistake, not a 500.
            await OpenAiError.BadRequest("The request body repeats a key: " + exception.Message).WriteAsync(context);
            return;
        }

        if (request is null || query is null || documents is null)
        {
            await OpenAiError.BadRequest("A rerank request needs 'query' (a string) and 'documents' (an array).").WriteAsync(context);
            return;
        }

        if (texts.Any(t => t is null))
        {
            await OpenAiError.BadRequest("Each document must be a string or an object with 'text'.", "documents").WriteAsync(context);
            return;
        }

        if (texts.Count == 0)
        {
            await OpenAiError.BadRequest("'documents' must hold at least one document.", "documents").WriteAsync(context);
            return;
        }

        // A top_n the caller got wrong (zero, negative, fractional, a string) is refused, not silently read as "all",
        // as vLLM and llama-server refuse it.
        int? topN = null;
        if (request["top_n"] is { } topNode)
        {
            if (topNode is not JsonValue top || top.GetValueKind() != JsonValueKind.Number || !top.TryGetValue<int>(out var n) || n < 1)
            {
                await OpenAiError.BadRequest("'top_n' must be a positive integer.", "top_n").WriteAsync(context);
                return;
            }

            topN = n;
        }

        var fault = await faults.ApplyAsync(context, context.RequestAborted);
        if (fault.Handled)
        {
            return;
        }

        var queryVector = Vector(query);
        var words = Words(query);
        var results = texts.Select((text, index) => (Index: index, Text: text!, Score: Cosine(queryVector, Vector(text!))))
            .OrderByDescending(r => r.Score).ThenBy(r => r.Index).ToList();
        if (topN is { } take)
        {
            results = results.Take(take).ToList();
        }

        var returnDocuments = request["return_documents"] is JsonValue r && r.GetValueKind() == JsonValueKind.True;
        var list = new JsonArray();
        foreach (var result in results)
        {
            var item = new JsonObject { ["index"] = result.Index, ["relevance_score"] = result.Score };
            if (returnDocuments)
            {
                item["document"] = new JsonObject { ["text"] = result.Text };
            }

            list.Add(item);
            words += Words(result.Text);
        }

        var answer = new JsonObject
        {
            ["model"] = model,
            ["object"] = "list",
            ["usage"] = new JsonObject { ["prompt_tokens"] = words, ["total_tokens"] = words },
            ["results"] = list,
        };
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted);
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static float[] Vector(string text)
    {
        var raw = new float[Dimensions];
        BagOfWordsEmbedder.AddText(Encoding.UTF8.GetBytes(text), raw);
        var unit = new float[Dimensions];
        BagOfWordsEmbedder.Normalize(raw, Dimensions, unit);
        return unit;
    }

    private static int Words(string text) => BagOfWordsEmbedder.AddText(Encoding.UTF8.GetBytes(text), new float[Dimensions]);

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
        }

        return Math.Round(dot, 6);
    }
}
