using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Control.Benchmarks.Runs;
using GenieHive.Control.Routing;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Benchmarks.Scheduling;

/// <summary>
/// Keeps the benchmark signal tracking reality. Once a minute: publishes a new routing table when a sample in the
/// current one has aged past <c>MaxSampleAgeHours</c> (so it leaves the scores), and queues the scheduled workloads
/// that are due (<c>EveryHours</c> after the entry's last scheduled run, which survives restarts). With
/// <c>RunOnServiceChange</c>, it also follows the routing table and queues the applicable scheduled workloads for a
/// service that appears or changes its loaded assets, once the service is routable.
/// </summary>
public sealed partial class BenchmarkScheduler(
    BenchmarkRunPlanner planner,
    BenchmarkRunner runner,
    BenchmarkRunStore runs,
    RoutingTablePublisher publisher,
    RoutingChanges changes,
    IOptions<BenchmarksOptions> options,
    TimeProvider time,
    ILogger<BenchmarkScheduler> logger) : BackgroundService
{
    public const string ScheduleTrigger = "schedule";
    public const string ServiceChangeTrigger = "service_change";

    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan WatchWait = TimeSpan.FromSeconds(25);

    private readonly Dictionary<int, string> _lastProblem = [];

    // The services routable when Control started, and the routing version they were read from.
    private Dictionary<string, string> _known = [];
    private long _knownVersion;

    /// <summary>
    /// Takes the baseline of routable services during start-up, before Control accepts registrations: since .NET 10
    /// all of <see cref="ExecuteAsync"/> runs later on a background thread, and a service registering in between
    /// would otherwise be taken for one that was already there.
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var current = publisher.Current;
        _known = current.Table.Services.Where(s => s.Routable).ToDictionary(s => s.ServiceId, Fingerprint, StringComparer.Ordinal);
        _knownVersion = current.Version;
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var settings = options.Value;
            var loops = new List<Task> { TickLoopAsync(stoppingToken) };
            if (settings.RunOnServiceChange && settings.Schedule.Count > 0)
            {
                loops.Add(WatchServicesAsync(stoppingToken));
            }

            await Task.WhenAll(loops);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task TickLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            AgeSamples();
            await QueueDueAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Marks a routing change when the current table still scores with a sample that has aged out.</summary>
    public void AgeSamples()
    {
        var cutoff = options.Value.SampleCutoff(time.UnixSeconds());
        if (publisher.Current.Table.Benchmarks.Any(sample => sample.ObservedAt < cutoff))
        {
            changes.Mark();
        }
    }

    private async Task QueueDueAsync(CancellationToken cancellationToken)
    {
        var schedule = options.Value.Schedule;
        var now = time.UnixSeconds();
        for (var i = 0; i < schedule.Count; i++)
        {
            var entry = schedule[i];
            var (targetType, targetName) = Target(entry);
            var last = runs.Latest(run => run.Trigger == ScheduleTrigger
                && string.Equals(run.Workload, entry.Workload, StringComparison.Ordinal)
                && run.TargetType == targetType
                && string.Equals(run.TargetName, targetName, StringComparison.Ordinal));
            if (last is not null && (!BenchmarkRunStatuses.IsFinished(last.Status) || now - last.CreatedAt < entry.EveryHours * 3600))
            {
                continue;
            }

            var plan = planner.Plan(new BenchmarkRunRequest
            {
                Workload = entry.Workload,
                Kind = entry.Kind is { Length: > 0 } ? entry.Kind : null,
                Role = entry.Role is { Length: > 0 } ? entry.Role : null,
            }, ScheduleTrigger);
            if (plan.Run is null)
            {
                // Tried again every minute; said once per distinct reason.
                if (!_lastProblem.TryGetValue(i, out var previous) || previous != plan.Problem)
                {
                    _lastProblem[i] = plan.Problem ?? "";
                    LogNotScheduled(logger, entry.Workload, targetType, targetName, plan.Problem ?? "");
                }

                continue;
            }

            _lastProblem.Remove(i);
            await runner.SubmitAsync(plan.Run, cancellationToken);
        }
    }

    private async Task WatchServicesAsync(CancellationToken stoppingToken)
    {
        // Services routable when Control started are the baseline: a restart is not a change.
        var known = _known;
        var version = _knownVersion;
        while (!stoppingToken.IsCancellationRequested)
        {
            var publication = await publisher.WaitForNewerAsync(version, WatchWait, stoppingToken);
            if (publication is null)
            {
                continue;
            }

            version = publication.Version;
            foreach (var service in publication.Table.Services.Where(s => s.Routable))
            {
                var fingerprint = Fingerprint(service);
                if (known.TryGetValue(service.ServiceId, out var previous) && previous == fingerprint)
                {
                    continue;
                }

                known[service.ServiceId] = fingerprint;
                LogServiceChanged(logger, service.ServiceId, previous is null ? "appeared" : "changed its loaded assets");
                await QueueForServiceAsync(service, publication, stoppingToken);
            }
        }
    }

    private async Task QueueForServiceAsync(ServiceView service, Publication publication, CancellationToken cancellationToken)
    {
        var now = time.UnixSeconds();
        foreach (var entry in options.Value.Schedule)
        {
            if (!Applies(entry, service, publication, now))
            {
                continue;
            }

            var plan = planner.Plan(new BenchmarkRunRequest { Workload = entry.Workload, ServiceId = service.ServiceId }, ServiceChangeTrigger);
            if (plan.Run is null)
            {
                LogNotScheduled(logger, entry.Workload, BenchmarkRunPlanner.TargetService, service.ServiceId, plan.Problem ?? "");
                continue;
            }

            await runner.SubmitAsync(plan.Run, cancellationToken);
        }
    }

    private static bool Applies(BenchmarkScheduleEntry entry, ServiceView service, Publication publication, double now)
    {
        if (entry.Kind is { Length: > 0 } kind)
        {
            return string.Equals(kind, service.Kind, StringComparison.Ordinal);
        }

        var role = publication.Table.Roles.FirstOrDefault(r => string.Equals(r.RoleId, entry.Role, StringComparison.Ordinal));
        if (role is null || !string.Equals(role.Operation, service.Kind, StringComparison.Ordinal))
        {
            return false;
        }

        var resolution = publication.Snapshot.Explain(role.RoleId, role.Operation, now);
        return resolution?.Candidates.Any(c => string.Equals(c.ServiceId, service.ServiceId, StringComparison.Ordinal)) ?? false;
    }

    /// <summary>What a change is judged on: the kind and the loaded assets.</summary>
    public static string Fingerprint(ServiceView service) =>
        service.Kind + "|" + string.Join(",", service.Assets.Where(a => a.Loaded).Select(a => a.AssetId).Order(StringComparer.Ordinal));

    private static (string Type, string Name) Target(BenchmarkScheduleEntry entry) =>
        entry.Kind is { Length: > 0 } kind ? (BenchmarkRunPlanner.TargetKind, kind) : (BenchmarkRunPlanner.TargetRole, entry.Role ?? "");

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled benchmark {Workload} against {TargetType} {TargetName} not queued: {Problem}")]
    private static partial void LogNotScheduled(ILogger logger, string workload, string targetType, string targetName, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service {ServiceId} {Change}: queueing its scheduled benchmarks")]
    private static partial void LogServiceChanged(ILogger logger, string serviceId, string change);
}
