using System.CommandLine;
using GenieHive.Cli.Rendering;
using GenieHive.Contracts.Cluster;

namespace GenieHive.Cli.Commands;

/// <summary><c>geniehive bench run|list|show|workloads</c>.</summary>
public static class BenchCommands
{
    public static Command Create(GlobalOptions global, CliConsole console)
    {
        var bench = new Command("bench", "Benchmark runs: measure services with a workload, and see the results.");
        bench.Subcommands.Add(Run(global, console));
        bench.Subcommands.Add(List(global, console));
        bench.Subcommands.Add(ShowRun(global, console));
        bench.Subcommands.Add(Workloads(global, console));
        return bench;
    }

    private static Command Run(GlobalOptions global, CliConsole console)
    {
        var workload = new Argument<string>("workload") { Description = "The workload (see 'geniehive bench workloads')." };
        var service = new Option<string?>("--service") { Description = "Measure this service." };
        var role = new Option<string?>("--role") { Description = "Measure every eligible service of this role." };
        var kind = new Option<string?>("--kind") { Description = "Measure every routable service of this kind (chat, embeddings)." };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds one case may take (default: Control's, 60)." };
        var repetitions = new Option<int?>("--repetitions") { Description = "How many times every case runs (default 1)." };
        var watch = new Option<bool>("--watch") { Description = "Follow the run until it ends, redrawing its progress." };
        var interval = new Option<double?>("--interval") { Description = "Seconds between two polls with --watch (default 1)." };
        var command = new Command("run", "Start a benchmark run against a service, a role or a kind.")
        {
            workload, service, role, kind, timeout, repetitions, watch, interval,
        };
        command.Validators.Add(result =>
        {
            var targets = new[] { service, role, kind }.Count(option => !string.IsNullOrWhiteSpace(result.GetValue(option)));
            if (targets != 1)
            {
                result.AddError("Give exactly one of --service, --role or --kind.");
            }

            if (result.GetValue(interval) is { } seconds && (!(seconds > 0) || seconds > 60))
            {
                result.AddError("--interval must be above 0 and at most 60 seconds.");
            }
        });
        CommandAction.Set(command, console, async (parsed, cancellationToken) =>
        {
            using var connection = global.Connect(parsed);
            var run = await connection.CallAsync((api, ct) => api.StartBenchmarkRunAsync(new BenchmarkRunRequest
            {
                Workload = parsed.GetValue(workload),
                ServiceId = parsed.GetValue(service),
                Role = parsed.GetValue(role),
                Kind = parsed.GetValue(kind),
                TimeoutSeconds = parsed.GetValue(timeout),
                Repetitions = parsed.GetValue(repetitions),
            }, ct), cancellationToken);

            var output = console.Out;
            await output.WriteLineAsync($"Run {run.Id} {run.Status}: {run.Workload} against {run.TargetType} {run.TargetName} " +
                $"({run.Targets.Count} service{(run.Targets.Count == 1 ? "" : "s")}, {run.CaseCount} cases each).");
            if (!parsed.GetValue(watch))
            {
                await output.WriteLineAsync($"Follow it with: geniehive bench show {run.Id}");
                return CliApplication.Success;
            }

            var final = await WatchAsync(connection, console, run, TimeSpan.FromSeconds(parsed.GetValue(interval) ?? 1), cancellationToken);
            await output.WriteLineAsync();
            RunView.Write(output, final);
            return final.Status == BenchmarkRunStatuses.Completed ? CliApplication.Success : CliApplication.Failure;
        });
        return command;
    }

    /// <summary>
    /// Polls the run until it ends. On a terminal the progress table is redrawn in place; otherwise a new table is
    /// printed whenever the progress changed, so a log shows each step once.
    /// </summary>
    private static async Task<BenchmarkRun> WatchAsync(ClusterConnection connection, CliConsole console, BenchmarkRun run, TimeSpan interval, CancellationToken cancellationToken)
    {
        var output = console.Out;
        var drawnLines = 0;
        string? previous = null;
        while (true)
        {
            var lines = RunView.Progress(run);
            var text = string.Join('\n', lines);
            if (!string.Equals(text, previous, StringComparison.Ordinal))
            {
                if (console.Interactive && drawnLines > 0)
                {
                    // Cursor up to the first line drawn, then clear to the end of the screen.
                    await output.WriteAsync($"\u001b[{drawnLines}F\u001b[J");
                }
                else if (drawnLines > 0)
                {
                    await output.WriteLineAsync();
                }

                foreach (var line in lines)
                {
                    await output.WriteLineAsync(line);
                }

                await output.FlushAsync(cancellationToken);
                drawnLines = lines.Count;
                previous = text;
            }

            if (BenchmarkRunStatuses.IsFinished(run.Status))
            {
                return run;
            }

            await Task.Delay(interval, cancellationToken);
            var id = run.Id;
            run = await connection.CallAsync((api, ct) => api.GetBenchmarkRunAsync(id, ct), cancellationToken);
        }
    }

    private static Command List(GlobalOptions global, CliConsole console)
    {
        var status = new Option<string?>("--status") { Description = "Only runs in this status (queued, running, completed, failed, cancelled)." };
        var limit = new Option<int?>("--limit") { Description = "At most this many runs (default 50)." };
        var command = new Command("list", "Benchmark runs, newest first.") { status, limit };
        CommandAction.Set(command, console, async (parsed, cancellationToken) =>
        {
            using var connection = global.Connect(parsed);
            var runs = await connection.CallAsync((api, ct) => api.GetBenchmarkRunsAsync(parsed.GetValue(status), parsed.GetValue(limit), ct), cancellationToken);
            if (runs.Data.Count == 0)
            {
                await console.Out.WriteLineAsync("No benchmark runs yet. Start one with: geniehive bench run WORKLOAD --role ROLE");
                return CliApplication.Success;
            }

            var table = new TextTable("RUN", "STATUS", "WORKLOAD", "TARGET", "SERVICES", "DONE", "CREATED (UTC)", "DURATION", "TRIGGER")
                .AlignRight("SERVICES", "DONE");
            foreach (var run in runs.Data)
            {
                table.Add(run.Id, run.Status, run.Workload, run.TargetType + " " + run.TargetName,
                    Show.Integer(run.Targets.Count),
                    Show.Integer(run.Targets.Count(t => t.Status == BenchmarkRunStatuses.Completed)),
                    Show.Time(run.CreatedAt), Show.Duration(run.StartedAt, run.FinishedAt), run.Trigger);
            }

            table.WriteTo(console.Out);
            return CliApplication.Success;
        });
        return command;
    }

    private static Command ShowRun(GlobalOptions global, CliConsole console)
    {
        var id = new Argument<string>("run-id") { Description = "The run's id (from 'geniehive bench list')." };
        var command = new Command("show", "One run: its services' results and every case.") { id };
        CommandAction.Set(command, console, async (parsed, cancellationToken) =>
        {
            using var connection = global.Connect(parsed);
            var runId = parsed.GetValue(id)!;
            var run = await connection.CallAsync((api, ct) => api.GetBenchmarkRunAsync(runId, ct), cancellationToken);
            RunView.Write(console.Out, run);
            return CliApplication.Success;
        });
        return command;
    }

    private static Command Workloads(GlobalOptions global, CliConsole console)
    {
        var command = new Command("workloads", "The workloads runs can use.");
        CommandAction.Set(command, console, async (parsed, cancellationToken) =>
        {
            using var connection = global.Connect(parsed);
            var workloads = await connection.CallAsync((api, ct) => api.GetBenchmarkWorkloadsAsync(ct), cancellationToken);
            var table = new TextTable("WORKLOAD", "KIND", "CASES", "CHECKS", "SOURCE", "DESCRIPTION").AlignRight("CASES");
            foreach (var workload in workloads.Data)
            {
                table.Add(workload.Name, workload.Kind, Show.Integer(workload.Cases.Count),
                    string.Join(", ", workload.Cases.Select(c => c.Check).Distinct(StringComparer.Ordinal)),
                    workload.Source, workload.Description);
            }

            table.WriteTo(console.Out);
            return CliApplication.Success;
        });
        return command;
    }
}
