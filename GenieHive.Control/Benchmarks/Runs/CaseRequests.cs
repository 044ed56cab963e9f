using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Control.Benchmarks.Workloads;

namespace GenieHive.Control.Benchmarks.Runs;

/// <summary>
/// A run's cases as the benchmarker sends them, in the order they run on each service: every workload case, one
/// repetition after another. A case's index is its place in that order, on the claim and in its report.
/// </summary>
public static class CaseRequests
{
    public static List<BenchmarkCaseRequest> For(BenchmarkWorkload workload, int repetitions)
    {
        var cases = new List<BenchmarkCaseRequest>(workload.Cases.Count * repetitions);
        for (var repetition = 1; repetition <= repetitions; repetition++)
        {
            foreach (var workloadCase in workload.Cases)
            {
                cases.Add(new BenchmarkCaseRequest
                {
                    Index = cases.Count,
                    Name = workloadCase.Name,
                    Repetition = repetition,
                    Body = Body(workload, workloadCase),
                });
            }
        }

        return cases;
    }

    /// <summary>The case and repetition at <paramref name="index"/>, or null when the run has no such case.</summary>
    public static (WorkloadCase Case, int Repetition)? At(BenchmarkWorkload workload, int repetitions, int index) =>
        index < 0 || index >= workload.Cases.Count * repetitions
            ? null
            : (workload.Cases[index % workload.Cases.Count], (index / workload.Cases.Count) + 1);

    /// <summary>
    /// Chat: the workload's extra fields, the messages and the token budget; embeddings: the anchor, the paraphrase and
    /// the unrelated text in one request. No <c>model</c>: the benchmarker names the service it measures.
    /// </summary>
    private static JsonObject Body(BenchmarkWorkload workload, WorkloadCase workloadCase)
    {
        if (workload.Kind == ServiceKinds.Embeddings)
        {
            return new JsonObject { ["input"] = new JsonArray(workloadCase.Anchor, workloadCase.Similar, workloadCase.Unrelated) };
        }

        var body = workload.Body is null ? [] : (JsonObject)workload.Body.DeepClone();
        var messages = new JsonArray();
        if (!string.IsNullOrWhiteSpace(workloadCase.System))
        {
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = workloadCase.System });
        }

        messages.Add(new JsonObject { ["role"] = "user", ["content"] = workloadCase.Prompt });
        body["messages"] = messages;
        if (workloadCase.MaxTokens is { } maxTokens)
        {
            body["max_tokens"] = maxTokens;
        }

        return body;
    }
}
