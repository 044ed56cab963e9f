using System.Globalization;
using System.Net;
using GenieHive.Contracts.Json;
using GenieHive.Contracts.Routing;
using GenieHive.Facade.Cluster;

namespace GenieHive.Facade.Routing;

/// <summary>One answer of Control's routing watch: nothing new, a whole table, a delta, or a refusal (its status).</summary>
internal sealed record WatchAnswer(RoutingTable? Table, RoutingTableDelta? Delta, int? RefusedStatus)
{
    public static WatchAnswer NothingNew { get; } = new(null, null, null);
}

/// <summary>
/// One long poll of <c>GET /v1/cluster/routing-table</c> over the facade's Control client. Holding a version of a
/// known history, it asks for deltas (<c>after</c>, <c>table_id</c>, <c>delta=true</c>); holding nothing, or told to
/// resync, it asks for the whole current table. It reads the answer by <c>X-GenieHive-Routing-Format</c> and counts the
/// bytes it read, so what the watch costs is measured where it is paid.
/// </summary>
internal sealed class RoutingWatchClient(IHttpClientFactory clients, FacadeTelemetry telemetry)
{
    public async Task<WatchAnswer> PollAsync(RoutingTable? held, int waitSeconds, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Target(held, waitSeconds));
        using var response = await clients.CreateClient(ControlClient.Name).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return WatchAnswer.NothingNew;
        }

        if (!response.IsSuccessStatusCode)
        {
            return new WatchAnswer(null, null, (int)response.StatusCode);
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var isDelta = response.Headers.TryGetValues(RoutingWatchWire.FormatHeader, out var formats)
            && formats.Contains(RoutingWatchWire.DeltaFormat, StringComparer.Ordinal);
        telemetry.RecordRoutingWatchRead(isDelta ? RoutingWatchWire.DeltaFormat : RoutingWatchWire.FullFormat, body.Length);
        var json = GenieHiveJsonContext.Default;
        return isDelta
            ? new WatchAnswer(null, System.Text.Json.JsonSerializer.Deserialize(body, json.RoutingTableDelta), null)
            : new WatchAnswer(System.Text.Json.JsonSerializer.Deserialize(body, json.RoutingTable), null, null);
    }

    private static Uri Target(RoutingTable? held, int waitSeconds)
    {
        const string Path = "/v1/cluster/routing-table";
        if (held is null)
        {
            // A plain fetch: the whole table as of now (Control rebuilds first if anything changed).
            return new Uri(Path, UriKind.Relative);
        }

        var query = string.Create(CultureInfo.InvariantCulture, $"{Path}?after={held.Version}&wait={waitSeconds}");
        if (held.TableId is { } tableId)
        {
            query += "&table_id=" + Uri.EscapeDataString(tableId) + "&delta=true";
        }

        return new Uri(query, UriKind.Relative);
    }
}
