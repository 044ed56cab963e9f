using System.Text.Json;
using GenieHive.Contracts.Cluster;

namespace GenieHive.Benchmarker.Facade;

/// <summary>Reads an OpenAI embeddings answer: <c>data[].embedding</c> in <c>index</c> order, and usage.</summary>
public static class EmbeddingAnswer
{
    public static BenchmarkCaseMeasurement Parse(ReadOnlySpan<byte> json, double latencyMs)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            {
                return BenchmarkCaseMeasurement.Failed("the answer has no data list", latencyMs);
            }

            var vectors = new List<(int Index, float[] Vector)>();
            var position = 0;
            foreach (var item in data.EnumerateArray())
            {
                var index = item.TryGetProperty("index", out var indexElement) && indexElement.TryGetInt32(out var parsed) ? parsed : position;
                if (!item.TryGetProperty("embedding", out var embedding) || embedding.ValueKind != JsonValueKind.Array)
                {
                    return BenchmarkCaseMeasurement.Failed("an embedding is not a list of numbers (base64 answers are not supported)", latencyMs);
                }

                var vector = new float[embedding.GetArrayLength()];
                var i = 0;
                foreach (var number in embedding.EnumerateArray())
                {
                    if (number.ValueKind != JsonValueKind.Number)
                    {
                        return BenchmarkCaseMeasurement.Failed("an embedding is not a list of numbers", latencyMs);
                    }

                    vector[i++] = number.GetSingle();
                }

                vectors.Add((index, vector));
                position++;
            }

            var (prompt, _) = FacadeCaseClient.Usage(root);
            return new BenchmarkCaseMeasurement
            {
                Answered = true,
                Vectors = [.. vectors.OrderBy(v => v.Index).Select(v => v.Vector)],
                LatencyMs = latencyMs,
                PromptTokens = prompt,
            };
        }
        catch (JsonException)
        {
            return BenchmarkCaseMeasurement.Failed("the answer is not JSON", latencyMs);
        }
    }
}
