using System.Globalization;
using System.Net.Http.Headers;
using GenieHive.Bench.Soak.Cluster;
using GenieHive.Contracts.Routing;

namespace GenieHive.Bench.Soak.Scale;

/// <summary>
/// The routing watch at one moment: Control's current version and the size of its whole table, and the bytes the
/// facade has read and Control has sent on the watch so far, by format.
/// </summary>
internal sealed record WatchPoint(long Version, long TableBytes, long FacadeFullBytes, long FacadeDeltaBytes, long ControlFullBytes, long ControlDeltaBytes);

/// <summary>
/// What the routing watch cost over the measured phase: the bytes the facade read, against what re-downloading the
/// whole table at every version Control published would have read (the watch before deltas), as a percentage.
/// </summary>
internal sealed record WatchCostFigures(
    long VersionsPublished,
    long FullTableBytes,
    long FacadeFullBytes,
    long FacadeDeltaBytes,
    long ControlFullBytes,
    long ControlDeltaBytes,
    double ReDownloadBytes,
    double? ReadPercentOfReDownload,
    double FacadeBytesPerSecond)
{
    /// <summary>
    /// From two points: versions published between them, the whole table's size as the mean of the two fetches (it
    /// barely moves while the fleet's shape holds), and each counter's growth. No version published: no ratio.
    /// </summary>
    public static WatchCostFigures Between(WatchPoint start, WatchPoint end, double seconds)
    {
        var versions = Math.Max(0, end.Version - start.Version);
        var tableBytes = (start.TableBytes + end.TableBytes) / 2;
        var full = end.FacadeFullBytes - start.FacadeFullBytes;
        var delta = end.FacadeDeltaBytes - start.FacadeDeltaBytes;
        var reDownload = (double)tableBytes * versions;
        return new WatchCostFigures(
            versions,
            tableBytes,
            full,
            delta,
            end.ControlFullBytes - start.ControlFullBytes,
            end.ControlDeltaBytes - start.ControlDeltaBytes,
            reDownload,
            reDownload > 0 ? Math.Round(100 * (full + delta) / reDownload, 4) : null,
            seconds > 0 ? Math.Round((full + delta) / seconds, 1) : 0);
    }
}

/// <summary>
/// Takes <see cref="WatchPoint"/>s: the whole table fetched from Control (its body length and version header), and the
/// counters the probe totals in the facade (<see cref="FacadeReadCounter"/>) and in Control (<see cref="ControlSentCounter"/>).
/// At the start the table is fetched before the counters are read, at the end after, so the harness's own two
/// fetches never fall inside Control's counted window.
/// </summary>
internal sealed class WatchCostMeter(HttpClient control, string clientKey, int facadeProbePort, int controlProbePort)
{
    /// <summary>The facade's counter of watch bytes read, by format (FacadeTelemetry.RoutingWatchReadInstrument).</summary>
    public const string FacadeReadCounter = "geniehive.facade.routing.watch.read";

    /// <summary>Control's counter of watch bytes sent, by format (ControlTelemetry.RoutingTableSentInstrument).</summary>
    public const string ControlSentCounter = "geniehive.control.routing_table.sent";

    public async Task<WatchPoint> StartAsync(CancellationToken cancellationToken)
    {
        var (version, bytes) = await FetchTableAsync(cancellationToken);
        return await ReadCountersAsync(version, bytes, cancellationToken);
    }

    public async Task<WatchPoint> EndAsync(CancellationToken cancellationToken)
    {
        var counted = await ReadCountersAsync(0, 0, cancellationToken);
        var (version, bytes) = await FetchTableAsync(cancellationToken);
        return counted with { Version = version, TableBytes = bytes };
    }

    private async Task<WatchPoint> ReadCountersAsync(long version, long bytes, CancellationToken cancellationToken)
    {
        var facade = await ProbeReader.ReadAsync(facadeProbePort, cancellationToken);
        var control = await ProbeReader.ReadAsync(controlProbePort, cancellationToken);
        return new WatchPoint(
            version,
            bytes,
            ProbeReader.Counter(facade, FacadeReadCounter, RoutingWatchWire.FullFormat),
            ProbeReader.Counter(facade, FacadeReadCounter, RoutingWatchWire.DeltaFormat),
            ProbeReader.Counter(control, ControlSentCounter, RoutingWatchWire.FullFormat),
            ProbeReader.Counter(control, ControlSentCounter, RoutingWatchWire.DeltaFormat));
    }

    // A plain fetch: the whole current table, as a facade starting (or the watch before deltas) reads it.
    private async Task<(long Version, long Bytes)> FetchTableAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/cluster/routing-table");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", clientKey);
        using var response = await control.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var version = response.Headers.TryGetValues(RoutingWatchWire.VersionHeader, out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : 0;
        return (version, body.Length);
    }
}
