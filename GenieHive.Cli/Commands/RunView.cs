using GenieHive.Cli.Rendering;
using GenieHive.Contracts.Cluster;

namespace GenieHive.Cli.Commands;

/// <summary>How a benchmark run is shown: a progress table while it runs, the full report once it is done.</summary>
public static class RunView
{
    /// <summary>The progress block --watch draws: a status line and one row per service.</summary>
    public static List<string> Progress(BenchmarkRun run)
    {
        var table = new TextTable("SERVICE", "STATUS", "CASES", "PASSED", "LAST CASE").AlignRight("CASES", "PASSED");
        foreach (var target in run.Targets)
        {
            var last = target.Cases.LastOrDefault();
            table.Add(target.ServiceId, target.Status, $"{target.CasesDone}/{target.CasesTotal}", Show.Integer(target.CasesPassed),
                last is null ? target.Error ?? "" : $"{last.Case} {(last.Passed ? "ok" : "failed")} in {Show.Milliseconds(last.LatencyMs)} ms");
        }

        var done = run.Targets.Sum(t => t.CasesDone);
        var total = run.Targets.Sum(t => t.CasesTotal);
        var lines = new List<string> { $"{run.Id}  {run.Status}  {run.Workload}  {done}/{total} cases" };
        lines.AddRange(table.Lines());
        return lines;
    }

    /// <summary>The report: what ran, each service's results (the stored sample), and each case.</summary>
    public static void Write(TextWriter output, BenchmarkRun run)
    {
        output.WriteLine($"Run       {run.Id}");
        output.WriteLine($"Status    {run.Status}{(run.Error is null ? "" : " (" + run.Error + ")")}");
        output.WriteLine($"Workload  {run.Workload} ({run.Kind}), {run.CaseCount} cases per service, timeout {Show.Number(run.TimeoutSeconds)} s");
        output.WriteLine($"Target    {run.TargetType} {run.TargetName} ({run.Trigger})");
        output.WriteLine($"Created   {Show.Time(run.CreatedAt)} UTC, ran {Show.Duration(run.StartedAt, run.FinishedAt)}");
        output.WriteLine();

        var services = new TextTable("SERVICE", "HOST", "ASSET", "STATUS", "PASS", "QUALITY", "P50 MS", "TTFT MS", "TOK/S", "ANSWERED")
            .AlignRight("PASS", "QUALITY", "P50 MS", "TTFT MS", "TOK/S", "ANSWERED");
        foreach (var target in run.Targets)
        {
            var results = target.Results;
            services.Add(target.ServiceId, target.HostId, target.AssetId, target.Status,
                Show.Percent(Show.Result(results, BenchmarkResultFields.PassRate)),
                Show.Number(Show.Result(results, BenchmarkResultFields.QualityScore), "0.000"),
                Show.Milliseconds(Show.Result(results, BenchmarkResultFields.P50LatencyMs)),
                Show.Milliseconds(Show.Result(results, BenchmarkResultFields.TtftMs)),
                Show.Number(Show.Result(results, BenchmarkResultFields.TokensPerSec), "0.0"),
                $"{target.Cases.Count(c => c.Answered)}/{target.CasesTotal}");
        }

        services.WriteTo(output);
        foreach (var target in run.Targets.Where(t => t.Error is not null))
        {
            output.WriteLine($"  {target.ServiceId}: {target.Error}");
        }

        var cases = new TextTable("SERVICE", "CASE", "REP", "RESULT", "LATENCY MS", "TTFT MS", "TOK/S", "TOKENS", "DETAIL")
            .AlignRight("REP", "LATENCY MS", "TTFT MS", "TOK/S", "TOKENS");
        foreach (var target in run.Targets)
        {
            foreach (var c in target.Cases)
            {
                cases.Add(target.ServiceId, c.Case, Show.Integer(c.Repetition),
                    !c.Answered ? "error" : c.Passed ? "pass" : "fail",
                    Show.Milliseconds(c.LatencyMs), Show.Milliseconds(c.TtftMs), Show.Number(c.TokensPerSec, "0.0"),
                    Show.Integer(c.CompletionTokens), c.Detail);
            }
        }

        if (cases.RowCount > 0)
        {
            output.WriteLine();
            cases.WriteTo(output);
        }
    }
}
