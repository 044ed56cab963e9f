using System.Data.Common;
using System.Diagnostics;
using GenieHive.Contracts;
using GenieHive.Contracts.Routing;
using GenieHive.Control.Benchmarks;
using GenieHive.Control.Diagnostics;
using GenieHive.Control.Registry;
using GenieHive.Control.Roles;
using GenieHive.Control.Storage;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Routing;

/// <summary>
/// Builds and publishes the routing table. Every routing-relevant change marks <see cref="RoutingChanges"/>;
/// this loop publishes the first change at once and then waits <see cref="Debounce"/> before the next build,
/// so a heartbeat storm costs a few builds per second while any change reaches long-pollers well within a
/// second. Versions come from a counter in the database, so they keep growing across restarts and replicas.
/// Each version also records what changed since the previous one (<see cref="RoutingHistory"/>, the last
/// <see cref="RoutingOptions.WatchHistoryVersions"/> of them) under this publisher's table id, a new one per start
/// (so another replica's or a restarted Control's versions are another history): a facade that holds a recent
/// version of the same history gets a delta, any other the whole table.
/// </summary>
public sealed partial class RoutingTablePublisher(
    ClusterViews views,
    RoleCatalog roles,
    BenchmarkSampleStore benchmarks,
    ClusterRegistry registry,
    RoutingChanges changes,
    ControlDatabase database,
    ControlTelemetry telemetry,
    TimeProvider time,
    IOptions<RoutingOptions> options,
    IOptions<BenchmarksOptions> benchmarkOptions,
    ILogger<RoutingTablePublisher> logger) : BackgroundService
{
    /// <summary>The shortest gap between two published versions.</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(150);

    private const string VersionKey = "routing_version";

    private readonly Lock _buildGate = new();
    private readonly RoutingHistory _history = new(options.Value.WatchHistoryVersions);
    private readonly string _tableId = Guid.NewGuid().ToString("N");
    private TaskCompletionSource<Publication> _next = NewSignal();
    private Publication? _current;
    private long _publishedSequence = -1;
    private long _version;

    /// <summary>The latest published version (may lag the registry by up to <see cref="Debounce"/>).</summary>
    public Publication Current =>
        Volatile.Read(ref _current) ?? throw new InvalidOperationException("The routing table is used before Control started.");

    /// <summary>The latest version, rebuilt first if anything changed since (for operator reads: read-your-writes).</summary>
    public Publication Fresh()
    {
        if (changes.Sequence != Volatile.Read(ref _publishedSequence))
        {
            Publish();
        }

        return Current;
    }

    /// <summary>Starts from the stored version (a restart is itself a change) and publishes the first table.</summary>
    public void Initialize()
    {
        _version = database.Read(connection => ControlState.Read(connection, null, VersionKey));
        telemetry.ObserveGauges(() => Volatile.Read(ref _current)?.Version ?? 0, () => registry.StaleHostCount);
        changes.Mark();
        Publish();
    }

    /// <summary>This publisher's history id (<see cref="RoutingTable.TableId"/>).</summary>
    public string TableId => _tableId;

    /// <summary>
    /// Long poll: the current table at once when its version differs from <paramref name="after"/> (a newer one,
    /// or a different history after the database was reset) or <paramref name="tableId"/> names another history,
    /// otherwise the next one within <paramref name="wait"/>, or null when none came. Waiters share one completion
    /// source per version, so nothing is left behind when a waiter times out or its client goes away.
    /// </summary>
    public async Task<Publication?> WaitForNewerAsync(long? after, string? tableId, TimeSpan wait, CancellationToken cancellationToken)
    {
        // Take the signal before reading the current table: a version published in between completes it.
        var next = Volatile.Read(ref _next).Task;
        var current = Current;
        if (after is null || current.Version != after.Value || (tableId is not null && tableId != _tableId))
        {
            return current;
        }

        if (wait <= TimeSpan.Zero)
        {
            return null;
        }

        try
        {
            return await next.WaitAsync(wait, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await changes.WaitAsync(stoppingToken))
            {
                if (changes.Sequence != Volatile.Read(ref _publishedSequence))
                {
                    Publish();
                }

                // Debouncing is about CPU, not about business time, so it runs on the real clock even when
                // tests replace the TimeProvider.
                await Task.Delay(Debounce, TimeProvider.System, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private void Publish()
    {
        lock (_buildGate)
        {
            var sequence = changes.Sequence;
            if (sequence == _publishedSequence)
            {
                return;
            }

            using var activity = ControlTelemetry.ActivitySource.StartActivity("control.routing_table.publish");
            var started = Stopwatch.GetTimestamp();
            var now = time.UnixSeconds();
            var state = views.Capture(now);
            var known = new HashSet<string>(state.Services.Select(service => service.ServiceId), StringComparer.Ordinal);
            var routing = options.Value;
            var version = NextVersion();
            var table = new RoutingTable
            {
                Version = version,
                TableId = _tableId,
                GeneratedAt = now,
                Strategy = routing.Strategy,
                HostTimeoutSeconds = routing.HostTimeoutSeconds,
                Services = state.Services,
                Hosts = state.Hosts.ConvertAll(ClusterViews.ForRouting),
                Roles = [.. roles.Roles],
                // Old samples age out of the scores (GenieHive:Benchmarks:MaxSampleAgeHours); the listing keeps them.
                Benchmarks = benchmarks.LatestPerWorkload(known.Contains, benchmarkOptions.Value.SampleCutoff(now)),
            };

            var previous = Volatile.Read(ref _current);
            var elements = TableElements.Of(table, previous?.Elements);
            if (previous is not null)
            {
                _history.Add(elements.Since(previous.Elements, previous.Version, version));
            }

            var publication = new Publication(table, elements, _history);
            _version = version;
            Volatile.Write(ref _current, publication);
            Volatile.Write(ref _publishedSequence, sequence);
            Interlocked.Exchange(ref _next, NewSignal()).TrySetResult(publication);

            var elapsed = Stopwatch.GetElapsedTime(started);
            telemetry.RebuildDuration.Record(elapsed.TotalMilliseconds);
            activity?.SetTag("geniehive.routing.version", version);
            activity?.SetTag("geniehive.routing.services", table.Services.Count);
            LogPublished(logger, version, table.Services.Count, table.Hosts.Count, elapsed.TotalMilliseconds);
        }
    }

    /// <summary>
    /// Takes the next version from the counter stored in the database, so that it keeps growing across restarts and
    /// across Controls sharing one database (replicas): each table gets a version no Control published before. A
    /// failed write does not stop publication: the table in memory is what the facades follow, and the next
    /// allocation raises the counter past the version used meanwhile.
    /// </summary>
    private long NextVersion()
    {
        var floor = _version + 1;
        try
        {
            // Beside this process's registry writes, not behind them: on PostgreSQL a heartbeat batch holds the writer
            // for up to a second at 1,000 hosts, and every version waited that long before it was published.
            return database.WriteAside((connection, transaction) => ControlState.Advance(connection, transaction, VersionKey, floor));
        }
        catch (DbException ex)
        {
            LogVersionNotStored(logger, ex, floor);
        }
        catch (ObjectDisposedException)
        {
            // Shutting down.
        }

        return floor;
    }

    private static TaskCompletionSource<Publication> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not take routing table version {Version} from the database; publishing it from memory")]
    private static partial void LogVersionNotStored(ILogger logger, Exception exception, long version);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published routing table {Version}: {ServiceCount} services on {HostCount} hosts in {ElapsedMs} ms")]
    private static partial void LogPublished(ILogger logger, long version, int serviceCount, int hostCount, double elapsedMs);
}
