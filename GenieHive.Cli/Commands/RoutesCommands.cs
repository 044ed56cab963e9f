using System.CommandLine;
using GenieHive.Cli.Rendering;
using GenieHive.Contracts.Cluster;

namespace GenieHive.Cli.Commands;

/// <summary><c>geniehive routes explain MODEL</c> and <c>geniehive routes match "TASK"</c>.</summary>
public static class RoutesCommands
{
    public static Command Create(GlobalOptions global, CliConsole console)
    {
        var routes = new Command("routes", "How names route: the ranked candidates and why.");
        routes.Subcommands.Add(Explain(global, console));
        routes.Subcommands.Add(Match(global, console));
        return routes;
    }

    private static Command Explain(GlobalOptions global, CliConsole console)
    {
        var model = new Argument<string>("model") { Description = "A role, service id or asset id, as a client would send it." };
        var kind = new Option<string?>("--kind") { Description = "chat, embeddings, transcription or rerank (default: whatever the name serves)." };
        var command = new Command("explain", "Where a request for MODEL goes: the ranked candidates with their scores and signals, and the excluded services.")
        {
            model, kind,
        };
        CommandAction.Set(command, console, async (parsed, cancellationToken) =>
        {
            using var connection = global.Connect(parsed);
            var name = parsed.GetValue(model)!;
            var answer = await connection.CallAsync((api, ct) => api.ResolveAsync(name, parsed.GetValue(kind), ct), cancellationToken);
            Write(console.Out, answer.Resolution);
            return CliApplication.Success;
        });
        return command;
    }

    /// <summary>The resolution as a header, a ranked table, the reasons, and the exclusions.</summary>
    public static void Write(TextWriter output, Resolution resolution)
    {
        var via = resolution.FallbackVia is { } fallback ? $" via fallback role {fallback}" : "";
        output.WriteLine($"{resolution.Model} ({resolution.Kind}): {resolution.MatchType} route{via}, strategy {resolution.Strategy}");
        output.WriteLine(resolution.Service is { } service
            ? $"A request now goes to {service.ServiceId} on {service.HostId} (upstream model {resolution.UpstreamModel ?? Show.None})."
            : "No service can take a request now.");
        output.WriteLine();

        var table = new TextTable("#", "SERVICE", "HOST", "SCORE", "RUNTIME", "BENCHMARK", "FAMILY", "P50 MS", "TOK/S", "SOURCE", "SAMPLES", "QUALITY")
            .AlignRight("#", "SCORE", "RUNTIME", "BENCHMARK", "FAMILY", "P50 MS", "TOK/S", "SAMPLES", "QUALITY");
        var rank = 0;
        foreach (var candidate in resolution.Candidates)
        {
            var s = candidate.Signals;
            table.Add(Show.Integer(++rank), candidate.ServiceId, candidate.HostId, Show.Score(candidate.Score),
                Show.Score(s.RuntimeScore), Show.Score(s.BenchmarkScore), Show.Number(s.FamilyMatch),
                Show.Milliseconds(s.P50LatencyMs), Show.Number(s.TokensPerSec, "0.0"), s.RuntimeSource ?? Show.None,
                Show.Integer(s.BenchmarkMatchCount), Show.Number(s.BenchmarkQualityScore, "0.000"));
        }

        if (table.RowCount == 0)
        {
            output.WriteLine("No eligible candidates.");
        }
        else
        {
            table.WriteTo(output);
            output.WriteLine();
            foreach (var candidate in resolution.Candidates.Where(c => c.Reasons.Count > 0))
            {
                output.WriteLine($"{candidate.ServiceId}: {string.Join("; ", candidate.Reasons)}");
            }
        }

        if (resolution.Excluded.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Excluded:");
            var excluded = new TextTable("SERVICE", "HOST", "REASON");
            foreach (var excludedService in resolution.Excluded)
            {
                excluded.Add(excludedService.ServiceId, excludedService.HostId, excludedService.Reason);
            }

            excluded.WriteTo(output);
        }
    }

    private static Command Match(GlobalOptions global, CliConsole console)
    {
        var task = new Argument<string>("task") { Description = "The task, in words (\"summarise support tickets\")." };
        var workloads = new Option<string[]>("--workload") { Description = "A benchmark workload the task resembles (repeatable).", AllowMultipleArgumentsPerToken = false };
        var kind = new Option<string?>("--kind") { Description = "Only candidates of this operation (chat, embeddings, transcription)." };
        var limit = new Option<int?>("--limit") { Description = "At most this many candidates (default 10)." };
        var command = new Command("match", "Which roles and services suit a task, scored with text, runtime and benchmark signals.")
        {
            task, workloads, kind, limit,
        };
        CommandAction.Set(command, console, async (parsed, cancellationToken) =>
        {
            using var connection = global.Connect(parsed);
            var request = new RouteMatchRequest
            {
                Task = parsed.GetValue(task),
                Workloads = [.. parsed.GetValue(workloads) ?? []],
                Kind = parsed.GetValue(kind),
                Limit = parsed.GetValue(limit) ?? 10,
            };
            var answer = await connection.CallAsync((api, ct) => api.MatchAsync(request, ct), cancellationToken);
            var table = new TextTable("#", "TYPE", "CANDIDATE", "SCORE", "TEXT", "RUNTIME", "BENCHMARK", "FAMILY", "GOES TO")
                .AlignRight("#", "SCORE", "TEXT", "RUNTIME", "BENCHMARK", "FAMILY");
            var rank = 0;
            foreach (var candidate in answer.Candidates)
            {
                var s = candidate.Signals;
                table.Add(Show.Integer(++rank), candidate.CandidateType, candidate.CandidateId, Show.Score(candidate.Score),
                    Show.Score(s.TextOverlap), Show.Score(s.RuntimeScore), Show.Score(s.BenchmarkScore), Show.Number(s.FamilyMatch),
                    candidate.Service?.ServiceId ?? Show.None);
            }

            if (table.RowCount == 0)
            {
                await console.Out.WriteLineAsync("No candidates.");
            }
            else
            {
                table.WriteTo(console.Out);
            }

            return CliApplication.Success;
        });
        return command;
    }
}
