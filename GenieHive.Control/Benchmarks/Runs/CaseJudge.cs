using System.Globalization;
using GenieHive.Contracts.Cluster;
using GenieHive.Control.Benchmarks.Workloads;

namespace GenieHive.Control.Benchmarks.Runs;

/// <summary>Judges what a case measured with the case's check: the outcome a run records for it.</summary>
public static class CaseJudge
{
    public static BenchmarkCaseResult Judge(WorkloadCase workloadCase, int repetition, BenchmarkCaseMeasurement measurement)
    {
        var vectors = measurement.Vectors ?? [];
        var check = !measurement.Answered ? CheckOutcome.Fail(measurement.Error ?? "no answer")
            : workloadCase.Check switch
            {
                AnswerCheck answer => answer.Evaluate(measurement.Text ?? ""),
                CosineOrderingCheck when vectors.Count == 3 => CosineOrderingCheck.Evaluate(vectors[0], vectors[1], vectors[2]),
                CosineOrderingCheck => CheckOutcome.Fail(string.Create(CultureInfo.InvariantCulture, $"expected 3 embeddings, got {vectors.Count}")),
                _ => CheckOutcome.Fail("unknown check " + workloadCase.Check.Type),
            };

        return new BenchmarkCaseResult
        {
            Case = workloadCase.Name,
            Repetition = repetition,
            Answered = measurement.Answered,
            Passed = measurement.Answered && check.Passed,
            Score = measurement.Answered ? check.Score : 0,
            LatencyMs = Math.Round(measurement.LatencyMs, 1),
            TtftMs = measurement.TtftMs is { } ttft ? Math.Round(ttft, 1) : null,
            TokensPerSec = measurement.TokensPerSec is { } rate ? Math.Round(rate, 2) : null,
            PromptTokens = measurement.PromptTokens,
            CompletionTokens = measurement.CompletionTokens,
            Detail = check.Detail,
        };
    }
}
