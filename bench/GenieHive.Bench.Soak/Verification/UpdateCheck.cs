using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Bench.Soak.Fleet;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using Microsoft.Data.Sqlite;

namespace GenieHive.Bench.Soak.Verification;

/// <summary>What one view of the cluster (Control's API, the facade's re-exposed API, the SQLite file) showed at the end.</summary>
internal sealed record UpdateCheckResult(
    string Source,
    int HostsExpected,
    int HostsFound,
    int LostUpdates,
    int StaleHosts,
    int WrongServiceCount,
    double WaitedSeconds,
    IReadOnlyList<string> Examples)
{
    public bool Holds => HostsFound == HostsExpected && LostUpdates == 0 && StaleHosts == 0 && WrongServiceCount == 0;
}

/// <summary>
/// The no-lost-update check: after the last heartbeat of every node was answered, each host as Control shows it
/// must carry, in <c>metrics.seq</c>, the sequence number of its node's last acknowledged heartbeat, and no host may
/// be stale. Checked on Control's API, through the facade, and in Control's SQLite file (which the heartbeat
/// batch writer reaches within a second or two).
/// </summary>
internal static class UpdateCheck
{
    public static async Task<UpdateCheckResult> ViaApiAsync(string source, HttpClient client, string clientKey, IReadOnlyList<SimulatedNode> nodes, CancellationToken cancellationToken)
    {
        IReadOnlyList<HostView> hosts;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/cluster/hosts");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", clientKey);
            using var response = await client.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            hosts = JsonSerializer.Deserialize(body, GenieHiveJsonContext.Default.ListResponseHostView)?.Data ?? [];
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            // The service died or stopped answering: every host counts as not found, and the report says why.
            return new UpdateCheckResult(source, nodes.Count, 0, 0, 0, 0, 0, ["/v1/cluster/hosts failed: " + ex.Message]);
        }

        var byId = hosts.ToDictionary(host => host.HostId, StringComparer.Ordinal);

        var lost = 0;
        var stale = 0;
        var wrongServices = 0;
        var found = 0;
        var examples = new List<string>();
        foreach (var node in nodes)
        {
            if (!byId.TryGetValue(node.Plan.HostId, out var host))
            {
                Note(examples, node.Plan.HostId + " is missing");
                continue;
            }

            found++;
            var seq = Sequence(host.Metrics);
            if (seq != node.LastAcknowledged)
            {
                lost++;
                Note(examples, Describe(node, seq));
            }

            if (host.Status.Stale)
            {
                stale++;
                Note(examples, node.Plan.HostId + " is stale");
            }

            if (host.ServiceCount != node.Plan.Services.Count)
            {
                wrongServices++;
                Note(examples, node.Plan.HostId + " has " + host.ServiceCount.ToString(CultureInfo.InvariantCulture) + " services");
            }
        }

        return new UpdateCheckResult(source, nodes.Count, found, lost, stale, wrongServices, 0, examples);
    }

    /// <summary>Polls the SQLite file (read-only) until every host's stored metrics match, or the deadline passes.</summary>
    public static async Task<UpdateCheckResult> ViaDatabaseAsync(string path, IReadOnlyList<SimulatedNode> nodes, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        var started = DateTime.UtcNow;
        while (true)
        {
            var stored = new Dictionary<string, long?>(StringComparer.Ordinal);
            var services = new Dictionary<string, int>(StringComparer.Ordinal);
            using (var connection = new SqliteConnection(connectionString))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT h.host_id, h.metrics_json, (SELECT COUNT(*) FROM services s WHERE s.host_id = h.host_id) FROM hosts h;";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    stored[reader.GetString(0)] = Sequence(JsonNode.Parse(reader.GetString(1)) as JsonObject);
                    services[reader.GetString(0)] = reader.GetInt32(2);
                }
            }

            var examples = new List<string>();
            var lost = 0;
            var wrongServices = 0;
            var found = 0;
            foreach (var node in nodes)
            {
                if (!stored.TryGetValue(node.Plan.HostId, out var seq))
                {
                    Note(examples, node.Plan.HostId + " is missing");
                    continue;
                }

                found++;
                if (seq != node.LastAcknowledged)
                {
                    lost++;
                    Note(examples, Describe(node, seq));
                }

                if (services[node.Plan.HostId] != node.Plan.Services.Count)
                {
                    wrongServices++;
                    Note(examples, node.Plan.HostId + " has " + services[node.Plan.HostId].ToString(CultureInfo.InvariantCulture) + " stored services");
                }
            }

            var waited = (DateTime.UtcNow - started).TotalSeconds;
            var result = new UpdateCheckResult("sqlite", nodes.Count, found, lost, 0, wrongServices, Math.Round(waited, 1), examples);
            if (result.Holds || waited > deadline.TotalSeconds)
            {
                return result;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    private static long? Sequence(JsonObject? metrics) =>
        metrics?["seq"] is JsonValue value && value.TryGetValue<long>(out var seq) ? seq : null;

    private static string Describe(SimulatedNode node, long? seq) =>
        node.Plan.HostId + ": last acknowledged seq " + node.LastAcknowledged.ToString(CultureInfo.InvariantCulture)
        + ", shown " + (seq?.ToString(CultureInfo.InvariantCulture) ?? "none");

    private static void Note(List<string> examples, string text)
    {
        if (examples.Count < 10)
        {
            examples.Add(text);
        }
    }
}
