using GenieHive.Benchmarker.Hosting;
using GenieHive.Contracts.Api;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Routing;

namespace GenieHive.Benchmarker.Scheduling;

/// <summary>
/// With <c>GenieHive:Benchmarks:RunOnServiceChange</c> (Control's), follows the routing table as the facade does and,
/// when a routable service appears or changes its loaded assets, queues the schedule entries that apply to it: those
/// of its kind, and those of a role it is a candidate of (as Control's route explanation says). The services routable
/// when the benchmarker started are the baseline: a restart is not a change.
/// </summary>
internal sealed partial class ServiceChangeWatch(IBenchmarkWorkApi work, IClusterApi cluster, ILogger<ServiceChangeWatch> logger) : BackgroundService
{
    private const int WatchWaitSeconds = 25;

    /// <summary>How long start-up waits for Control to take the baseline; otherwise the first table read is the baseline.</summary>
    private static readonly TimeSpan BaselineWait = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(2);

    private Dictionary<string, string>? _known;
    private long? _version;

    /// <summary>
    /// Takes the baseline during start-up, before anything else happens: since .NET 10 all of <see cref="ExecuteAsync"/>
    /// runs later on a background thread, and a service registering in between would be taken for one already there.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(BaselineWait);
        try
        {
            if (Watches(await ScheduleAsync(wait.Token)) && await FetchAsync(null, 0, wait.Token) is { } table)
            {
                TakeBaseline(table);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogNoBaseline(logger, ex.Message);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (!Watches(await ScheduleAsync(stoppingToken)))
                    {
                        // Nothing to queue on a change: look again later (Control may restart with another schedule),
                        // and take a new baseline then, rather than follow a table nobody needs.
                        _known = null;
                        await Task.Delay(ScheduleLoop.Interval, stoppingToken);
                        continue;
                    }

                    await FollowAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    await Task.Delay(RetryPause, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Follows the routing table for as long as the schedule asks for it (re-read on every change).</summary>
    private async Task FollowAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var table = await FetchAsync(_known is null ? null : _version, WatchWaitSeconds, cancellationToken);
            if (table is null)
            {
                continue;
            }

            if (_known is null)
            {
                TakeBaseline(table);
                continue;
            }

            _version = table.Version;
            if (!await QueueChangesAsync(table, cancellationToken))
            {
                return;
            }
        }
    }

    /// <summary>What a change is judged on: the kind and the loaded assets.</summary>
    public static string Fingerprint(ServiceView service) =>
        service.Kind + "|" + string.Join(",", service.Assets.Where(a => a.Loaded).Select(a => a.AssetId).Order(StringComparer.Ordinal));

    private void TakeBaseline(RoutingTable table)
    {
        _known = table.Services.Where(s => s.Routable).ToDictionary(s => s.ServiceId, Fingerprint, StringComparer.Ordinal);
        _version = table.Version;
    }

    /// <summary>Queues the entries that apply to each changed service; false when the schedule no longer asks for it.</summary>
    private async Task<bool> QueueChangesAsync(RoutingTable table, CancellationToken cancellationToken)
    {
        BenchmarkSchedule? schedule = null;
        foreach (var service in table.Services.Where(s => s.Routable))
        {
            var fingerprint = Fingerprint(service);
            if (_known!.TryGetValue(service.ServiceId, out var previous) && previous == fingerprint)
            {
                continue;
            }

            _known[service.ServiceId] = fingerprint;
            schedule ??= await ScheduleAsync(cancellationToken);
            if (!Watches(schedule))
            {
                return false;
            }

            LogServiceChanged(logger, service.ServiceId, previous is null ? "appeared" : "changed its loaded assets");
            foreach (var entry in schedule!.Entries)
            {
                if (await AppliesAsync(entry, service, cancellationToken))
                {
                    await QueueAsync(entry, service.ServiceId, cancellationToken);
                }
            }
        }

        return true;
    }

    private static bool Watches(BenchmarkSchedule? schedule) => schedule is { RunOnServiceChange: true, Entries.Count: > 0 };

    private async Task<bool> AppliesAsync(BenchmarkScheduleEntryView entry, ServiceView service, CancellationToken cancellationToken)
    {
        if (!string.Equals(entry.WorkloadKind, service.Kind, StringComparison.Ordinal))
        {
            return false;
        }

        if (entry.Kind is { } kind)
        {
            return string.Equals(kind, service.Kind, StringComparison.Ordinal);
        }

        using var response = await cluster.ResolveAsync(entry.Role ?? "", service.Kind, cancellationToken);
        return response is { IsSuccessStatusCode: true, Content.Resolution: { MatchType: "role" } resolution }
            && resolution.Candidates.Any(c => string.Equals(c.ServiceId, service.ServiceId, StringComparison.Ordinal));
    }

    private async Task QueueAsync(BenchmarkScheduleEntryView entry, string serviceId, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await work.RunScheduleEntryAsync(entry.Index, new BenchmarkScheduleRunRequest { ServiceId = serviceId }, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                LogNotQueued(logger, entry.Workload, serviceId, ControlAnswers.Describe(response));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Not re-sent: it may have been queued.
            LogNotQueued(logger, entry.Workload, serviceId, ex.Message);
        }
    }

    private async Task<BenchmarkSchedule?> ScheduleAsync(CancellationToken cancellationToken)
    {
        using var response = await work.GetScheduleAsync(cancellationToken);
        return response.IsSuccessStatusCode ? response.Content : null;
    }

    private async Task<RoutingTable?> FetchAsync(long? after, int waitSeconds, CancellationToken cancellationToken)
    {
        using var response = await cluster.GetRoutingTableAsync(after, waitSeconds, cancellationToken);
        return response.IsSuccessStatusCode ? response.Content : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Service {ServiceId} {Change}: queueing its scheduled benchmarks")]
    private static partial void LogServiceChanged(ILogger logger, string serviceId, string change);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled benchmark {Workload} for service {ServiceId} not queued: {Problem}")]
    private static partial void LogNotQueued(ILogger logger, string workload, string serviceId, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No routing table at start-up ({Problem}); the first one read is the baseline of service changes")]
    private static partial void LogNoBaseline(ILogger logger, string problem);
}
