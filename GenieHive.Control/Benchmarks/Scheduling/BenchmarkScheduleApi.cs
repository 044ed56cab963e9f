using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Control.Auth;
using GenieHive.Control.Benchmarks.Runs;
using GenieHive.Control.Benchmarks.Workloads;
using GenieHive.Control.Http;
using GenieHive.Control.Leadership;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Benchmarks.Scheduling;

/// <summary>
/// The schedule the benchmarker follows (client key): <c>GET /v1/cluster/benchmarks/schedule</c> lists
/// <c>GenieHive:Benchmarks:Schedule</c> (checked against the workloads at start-up) with each entry's latest scheduled
/// run, and <c>POST /v1/cluster/benchmarks/schedule/{index}/runs</c> queues an entry now: against its kind or role
/// (trigger <c>schedule</c>), or against one service that appeared or changed (trigger <c>service_change</c>). When an
/// entry is due is the benchmarker's call; what it runs against is planned here, as any run is. Only the leader among
/// Control replicas queues schedule entries (others answer 503 <c>not_leader</c>), under its fenced term, so that an
/// entry is queued once however many replicas the benchmarkers reach.
/// </summary>
public static class BenchmarkScheduleApi
{
    /// <summary>Maps the schedule listing and the entry runs.</summary>
    public static RouteGroupBuilder MapBenchmarkScheduleApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapClientKeyGroup("/v1/cluster/benchmarks/schedule", "Benchmark schedule");

        group.MapGet("", GetSchedule);
        group.MapPost("/{index:int}/runs", RunEntryAsync);
        return group;
    }

    private static Ok<BenchmarkSchedule> GetSchedule(IOptions<BenchmarksOptions> options, WorkloadCatalog workloads, BenchmarkRunStore runs)
    {
        var settings = options.Value;
        // One read of the store for all entries, newest first.
        var scheduled = runs.List(null, int.MaxValue).Where(run => run.Trigger == BenchmarkRunTriggers.Schedule).ToList();
        return TypedResults.Ok(new BenchmarkSchedule
        {
            RunOnServiceChange = settings.RunOnServiceChange,
            Entries = [.. settings.Schedule.Select((entry, index) =>
            {
                var (targetType, targetName) = Target(entry);
                var last = scheduled.FirstOrDefault(run => string.Equals(run.Workload, entry.Workload, StringComparison.Ordinal)
                    && run.TargetType == targetType
                    && string.Equals(run.TargetName, targetName, StringComparison.Ordinal));
                return new BenchmarkScheduleEntryView
                {
                    Index = index,
                    Workload = entry.Workload,
                    Kind = NonEmpty(entry.Kind),
                    Role = NonEmpty(entry.Role),
                    // Start-up checked every entry's workload, so it is known.
                    WorkloadKind = workloads.Find(entry.Workload)?.Kind ?? "",
                    EveryHours = entry.EveryHours,
                    LastRun = last is null ? null : new BenchmarkRunSummary(last.Id, last.Status, last.CreatedAt),
                };
            })],
        });
    }

    private static async Task<Results<Accepted<BenchmarkRun>, ProblemHttpResult>> RunEntryAsync(
        int index,
        HttpRequest request,
        JsonBody body,
        IOptions<BenchmarksOptions> options,
        BenchmarkRunPlanner planner,
        BenchmarkRunQueue queue,
        LeaderElector leadership,
        CancellationToken cancellationToken)
    {
        var read = await body.ReadAsync(request, GenieHiveJsonContext.Default.BenchmarkScheduleRunRequest, cancellationToken);
        if (read.Problem is not null)
        {
            return read.Problem;
        }

        var schedule = options.Value.Schedule;
        if (index < 0 || index >= schedule.Count)
        {
            return Problems.NotFound("Unknown schedule entry", $"The schedule has no entry {index} ({schedule.Count} entries).",
                new Dictionary<string, object?> { ["field"] = "index" });
        }

        if (leadership.Current is not { } term)
        {
            return Problems.NotLeader("Another Control replica leads; only the leader queues schedule entries.");
        }

        var entry = schedule[index];
        var plan = read.Value!.ServiceId is { Length: > 0 } serviceId
            ? planner.Plan(new BenchmarkRunRequest { Workload = entry.Workload, ServiceId = serviceId }, BenchmarkRunTriggers.ServiceChange)
            : planner.Plan(new BenchmarkRunRequest { Workload = entry.Workload, Kind = NonEmpty(entry.Kind), Role = NonEmpty(entry.Role) }, BenchmarkRunTriggers.Schedule);
        if (plan.Run is null)
        {
            return plan.ToProblem();
        }

        try
        {
            var run = await queue.SubmitAsync(plan.Run, cancellationToken, term);
            return TypedResults.Accepted($"/v1/cluster/benchmarks/runs/{run.Id}", run);
        }
        catch (LeadershipLostException ex)
        {
            return Problems.NotLeader(ex.Message);
        }
    }

    private static (string Type, string Name) Target(BenchmarkScheduleEntry entry) =>
        entry.Kind is { Length: > 0 } kind ? (BenchmarkRunPlanner.TargetKind, kind) : (BenchmarkRunPlanner.TargetRole, entry.Role ?? "");

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
