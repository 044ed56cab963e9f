using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using GenieHive.Contracts.Json;
using GenieHive.Contracts.Nodes;
using GenieHive.Control.Storage;

namespace GenieHive.Control.Registry;

/// <summary>
/// Rows of <c>hosts</c> and <c>services</c>: written from registry snapshots, read at start-up and, by replicas on one
/// PostgreSQL, polled for what other replicas wrote (<see cref="ReadChanges"/>). Every write carries the next
/// <see cref="SequenceKey"/> number: <c>change_seq</c> on each host row it touches, and <c>full_seq</c> on those
/// whose registration or services it wrote. Plain SQL both providers run.
/// </summary>
public static class RegistryStore
{
    /// <summary>The <c>control_state</c> counter of registry writes.</summary>
    public const string SequenceKey = "registry_seq";

    private const string HostColumns = """
        host_id, display_name, address, labels_json, capabilities_json, resources_json,
        status_state, last_seen, metrics_json, registered_at, full_seq
        """;

    private const string ServiceColumns = "service_id, host_id, kind, protocol, endpoint, runtime_json, assets_json, state_json, observed_json, updated_at";

    private static readonly GenieHiveJsonContext Json = GenieHiveJsonContext.Default;

    /// <summary>
    /// Takes the next registry sequence number; call it first in a registry write. On PostgreSQL the counter's row
    /// stays locked until the transaction ends, so the registry writes of every replica run one after another and
    /// commit in sequence order: a replica that has read number N has seen every write numbered below it, and a
    /// conflict check made after this cannot race another replica's registration.
    /// </summary>
    public static long NextSequence(DbConnection connection, DbTransaction transaction) =>
        ControlState.Advance(connection, transaction, SequenceKey);

    /// <summary>The number of the last committed registry write (0 before any).</summary>
    public static long CurrentSequence(DbConnection connection) => ControlState.Read(connection, null, SequenceKey);

    /// <summary>
    /// Writes each host row under <paramref name="sequence"/> and, when given, replaces its services. A host without
    /// services (what heartbeats changed) only merges its heartbeat: the latest last_seen wins, with its state and
    /// metrics, and the registration another replica may have written meanwhile is left alone. Runs inside the caller's
    /// transaction, so a batch lands whole or not at all.
    /// </summary>
    public static void Save(DbConnection connection, DbTransaction transaction, IEnumerable<HostPersistence> hosts, long sequence)
    {
        using var upsertHost = connection.Command(transaction, $"""
            INSERT INTO hosts (host_id, display_name, address, labels_json, capabilities_json, resources_json,
                               status_state, last_seen, metrics_json, registered_at, change_seq, full_seq)
            VALUES (@host_id, @display_name, @address, @labels, @capabilities, @resources, @state, @last_seen, @metrics, @registered_at, @seq, @seq)
            ON CONFLICT (host_id) DO UPDATE SET
                display_name = excluded.display_name, address = excluded.address, labels_json = excluded.labels_json,
                capabilities_json = excluded.capabilities_json, resources_json = excluded.resources_json,
                {LaterHeartbeatWins("excluded.status_state", "excluded.last_seen", "excluded.metrics_json")},
                registered_at = CASE WHEN hosts.registered_at < excluded.registered_at THEN hosts.registered_at ELSE excluded.registered_at END,
                change_seq = excluded.change_seq, full_seq = excluded.full_seq;
            """);
        var hostId = upsertHost.Add("@host_id", DbType.String);
        var displayName = upsertHost.Add("@display_name", DbType.String);
        var address = upsertHost.Add("@address", DbType.String);
        var labels = upsertHost.Add("@labels", DbType.String);
        var capabilities = upsertHost.Add("@capabilities", DbType.String);
        var resources = upsertHost.Add("@resources", DbType.String);
        var state = upsertHost.Add("@state", DbType.String);
        var lastSeen = upsertHost.Add("@last_seen", DbType.Double);
        var metrics = upsertHost.Add("@metrics", DbType.String);
        var registeredAt = upsertHost.Add("@registered_at", DbType.Double);
        upsertHost.Add("@seq", DbType.Int64, sequence);

        using var deleteServices = connection.Command(transaction, "DELETE FROM services WHERE host_id = @host_id;");
        var deleteHostId = deleteServices.Add("@host_id", DbType.String);

        // An upsert: a service that moved from a stale host may still sit under its old owner's id in the database.
        using var insertService = connection.Command(transaction, $"""
            INSERT INTO services ({ServiceColumns})
            VALUES (@service_id, @host_id, @kind, @protocol, @endpoint, @runtime, @assets, @state, @observed, @updated_at)
            ON CONFLICT (service_id) DO UPDATE SET
                host_id = excluded.host_id, kind = excluded.kind, protocol = excluded.protocol, endpoint = excluded.endpoint,
                runtime_json = excluded.runtime_json, assets_json = excluded.assets_json, state_json = excluded.state_json,
                observed_json = excluded.observed_json, updated_at = excluded.updated_at;
            """);
        var serviceId = insertService.Add("@service_id", DbType.String);
        var serviceHost = insertService.Add("@host_id", DbType.String);
        var kind = insertService.Add("@kind", DbType.String);
        var protocol = insertService.Add("@protocol", DbType.String);
        var endpoint = insertService.Add("@endpoint", DbType.String);
        var runtime = insertService.Add("@runtime", DbType.String);
        var assets = insertService.Add("@assets", DbType.String);
        var serviceState = insertService.Add("@state", DbType.String);
        var observed = insertService.Add("@observed", DbType.String);
        var updatedAt = insertService.Add("@updated_at", DbType.Double);

        var rows = hosts as IReadOnlyList<HostPersistence> ?? [.. hosts];
        var merged = MergeBeats(connection, transaction, rows, sequence);
        foreach (var (host, services) in rows)
        {
            if (services is null && merged.Contains(host.HostId))
            {
                continue;
            }

            // A host the database does not have yet (its registration's write failed) is written whole.
            var metricsJson = JsonSerializer.Serialize(host.Metrics, Json.JsonObject);
            hostId.Value = host.HostId;
            displayName.Value = (object?)host.DisplayName ?? DBNull.Value;
            address.Value = host.Address;
            labels.Value = JsonSerializer.Serialize(host.Labels, Json.DictionaryStringString);
            capabilities.Value = (object?)StoredJson.Write(host.Capabilities, Json.JsonObject) ?? DBNull.Value;
            resources.Value = (object?)StoredJson.Write(host.Resources, Json.JsonObject) ?? DBNull.Value;
            state.Value = host.State;
            lastSeen.Value = host.LastSeen;
            metrics.Value = metricsJson;
            registeredAt.Value = host.RegisteredAt;
            upsertHost.ExecuteNonQuery();

            if (services is null)
            {
                continue;
            }

            deleteHostId.Value = host.HostId;
            deleteServices.ExecuteNonQuery();
            foreach (var record in services)
            {
                var service = record.Service;
                serviceId.Value = service.ServiceId;
                serviceHost.Value = record.HostId;
                kind.Value = service.Kind;
                protocol.Value = service.Protocol;
                endpoint.Value = service.Endpoint;
                runtime.Value = (object?)StoredJson.Write(service.Runtime, Json.ServiceRuntime) ?? DBNull.Value;
                assets.Value = JsonSerializer.Serialize(service.Assets, Json.ListServiceAsset);
                serviceState.Value = (object?)StoredJson.Write(service.State, Json.ServiceState) ?? DBNull.Value;
                observed.Value = (object?)StoredJson.Write(service.Observed, Json.ServiceObserved) ?? DBNull.Value;
                updatedAt.Value = record.UpdatedAt;
                insertService.ExecuteNonQuery();
            }
        }
    }

    /// <summary>
    /// The SET clauses that merge a heartbeat (its state, last_seen and metrics, as SQL expressions) into a host row:
    /// the later last_seen wins, with the state and metrics heard with it, so replicas writing one host in any order
    /// never move it back. Each expression reads the row as it was, so every CASE compares with the stored last_seen.
    /// </summary>
    private static string LaterHeartbeatWins(string state, string lastSeen, string metrics) => $"""
        status_state = CASE WHEN hosts.last_seen > {lastSeen} THEN hosts.status_state ELSE {state} END,
        metrics_json = CASE WHEN hosts.last_seen > {lastSeen} THEN hosts.metrics_json ELSE {metrics} END,
        last_seen = CASE WHEN hosts.last_seen > {lastSeen} THEN hosts.last_seen ELSE {lastSeen} END
        """;

    /// <summary>How many heartbeats one merge statement carries (4 parameters each, well inside both engines' limits).</summary>
    private const int BeatsPerStatement = 250;

    /// <summary>
    /// Merges the heartbeats of the hosts written without services, <see cref="BeatsPerStatement"/> to a statement
    /// (one round trip each on PostgreSQL, not one per host), and returns the hosts whose row was there to merge into.
    /// The later heartbeat wins (<see cref="LaterHeartbeatWins"/>); the VALUES columns are <c>column1</c>.. on both engines.
    /// </summary>
    private static HashSet<string> MergeBeats(DbConnection connection, DbTransaction transaction, IReadOnlyList<HostPersistence> rows, long sequence)
    {
        var merged = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in rows.Where(static row => row.Services is null).Select(static row => row.Host).Chunk(BeatsPerStatement))
        {
            using var command = connection.Command(transaction, "");
            var values = new string[chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                var n = i.ToString(CultureInfo.InvariantCulture);
                values[i] = $"(@h{n}, @s{n}, @l{n}, @m{n})";
                command.Add("@h" + n, DbType.String, chunk[i].HostId);
                command.Add("@s" + n, DbType.String, chunk[i].State);
                command.Add("@l" + n, DbType.Double, chunk[i].LastSeen);
                command.Add("@m" + n, DbType.String, JsonSerializer.Serialize(chunk[i].Metrics, Json.JsonObject));
            }

            command.Add("@seq", DbType.Int64, sequence);
            command.CommandText = $"""
                UPDATE hosts SET
                    {LaterHeartbeatWins("beat.column2", "beat.column3", "beat.column4")},
                    change_seq = @seq
                FROM (VALUES {string.Join(", ", values)}) AS beat
                WHERE hosts.host_id = beat.column1
                RETURNING hosts.host_id;
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                merged.Add(reader.GetString(0));
            }
        }

        return merged;
    }

    /// <summary>
    /// The first of <paramref name="serviceIds"/> that a host other than <paramref name="hostId"/> owns in the database
    /// and was heard from at or after <paramref name="freshSince"/> (Unix seconds), with that owner; null when none.
    /// Made after <see cref="NextSequence"/>, it sees every registration committed before this one.
    /// </summary>
    public static (string ServiceId, string OwnerHostId)? FindLiveOwner(
        DbConnection connection, DbTransaction transaction, string hostId, IReadOnlyList<string> serviceIds, double freshSince)
    {
        if (serviceIds.Count == 0)
        {
            return null;
        }

        using var command = connection.Command(transaction, "");
        var names = new string[serviceIds.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = $"@s{i.ToString(CultureInfo.InvariantCulture)}";
            command.Add(names[i], DbType.String, serviceIds[i]);
        }

        command.CommandText = $"""
            SELECT s.service_id, s.host_id FROM services s JOIN hosts h ON h.host_id = s.host_id
            WHERE s.host_id <> @host_id AND h.last_seen >= @fresh_since AND s.service_id IN ({string.Join(", ", names)})
            ORDER BY s.service_id LIMIT 1;
            """;
        command.Add("@host_id", DbType.String, hostId);
        command.Add("@fresh_since", DbType.Double, freshSince);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    /// <summary>
    /// What registry writes numbered above <paramref name="after"/> left in the database: every host row they
    /// touched (its heartbeat), and whole, with their services, the hosts whose registration or services they wrote.
    /// The statements read one after another, so a host may come with services newer than its row; the write of
    /// those numbered its row too, so the next read brings the row up to date.
    /// </summary>
    public static RegistryChangeSet ReadChanges(DbConnection connection, long after)
    {
        var through = after;
        var beats = new List<StoredBeat>();
        var anyWhole = false;
        using (var command = connection.Command(null, "SELECT host_id, status_state, last_seen, metrics_json, change_seq, full_seq FROM hosts WHERE change_seq > @after;"))
        {
            command.Add("@after", DbType.Int64, after);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                beats.Add(new StoredBeat(
                    reader.GetString(0),
                    reader.GetString(1),
                    reader.GetDouble(2),
                    StoredJson.Freeze(StoredJson.Read(reader.GetValue(3), Json.JsonObject)) ?? []));
                through = Math.Max(through, reader.GetInt64(4));
                anyWhole |= reader.GetInt64(5) > after;
            }
        }

        if (!anyWhole)
        {
            return new RegistryChangeSet(through, beats, [], []);
        }

        // Rows before services: a host row read older than its services is read again (its full_seq is still above
        // what was applied); the other order would apply a newer full_seq over older services and never look again.
        var hosts = SelectHosts(connection, "WHERE full_seq > @after", after);
        var services = SelectServices(connection, "WHERE host_id IN (SELECT host_id FROM hosts WHERE full_seq > @after)", after);
        return new RegistryChangeSet(through, beats, WithServiceIds(hosts, services), services);
    }

    public static List<HostRecord> LoadHosts(DbConnection connection) => SelectHosts(connection, "", 0);

    /// <summary>Services grouped by host; <see cref="HostRecord.ServiceIds"/> is filled from them.</summary>
    public static List<ServiceRecord> LoadServices(DbConnection connection) => SelectServices(connection, "", 0);

    private static List<HostRecord> SelectHosts(DbConnection connection, string where, long after)
    {
        using var command = connection.Command(null, $"SELECT {HostColumns} FROM hosts {where};");
        command.Add("@after", DbType.Int64, after);
        using var reader = command.ExecuteReader();
        var hosts = new List<HostRecord>();
        while (reader.Read())
        {
            hosts.Add(new HostRecord
            {
                HostId = reader.GetString(0),
                DisplayName = reader.IsDBNull(1) ? null : reader.GetString(1),
                Address = reader.GetString(2),
                Labels = StoredJson.Read(reader.GetValue(3), Json.DictionaryStringString) ?? [],
                Capabilities = StoredJson.Freeze(StoredJson.Read(reader.GetValue(4), Json.JsonObject)),
                Resources = StoredJson.Freeze(StoredJson.Read(reader.GetValue(5), Json.JsonObject)),
                State = reader.GetString(6),
                LastSeen = reader.GetDouble(7),
                Metrics = StoredJson.Freeze(StoredJson.Read(reader.GetValue(8), Json.JsonObject)) ?? [],
                RegisteredAt = reader.GetDouble(9),
                StoredSeq = reader.GetInt64(10),
            });
        }

        return hosts;
    }

    private static List<ServiceRecord> SelectServices(DbConnection connection, string where, long after)
    {
        using var command = connection.Command(null, $"SELECT {ServiceColumns} FROM services {where} ORDER BY host_id, service_id;");
        command.Add("@after", DbType.Int64, after);
        using var reader = command.ExecuteReader();
        var services = new List<ServiceRecord>();
        while (reader.Read())
        {
            var service = new RegisteredService
            {
                ServiceId = reader.GetString(0),
                HostId = reader.GetString(1),
                Kind = reader.GetString(2),
                Protocol = reader.GetString(3),
                Endpoint = reader.GetString(4),
                Runtime = StoredJson.Read(reader.GetValue(5), Json.ServiceRuntime),
                Assets = StoredJson.Read(reader.GetValue(6), Json.ListServiceAsset) ?? [],
                State = StoredJson.Read(reader.GetValue(7), Json.ServiceState),
                Observed = StoredJson.Read(reader.GetValue(8), Json.ServiceObserved),
            };
            services.Add(ServiceRecords.Create(service, reader.GetDouble(9)));
        }

        return services;
    }

    /// <summary>Attaches each host's service ids (sorted) from the loaded services.</summary>
    public static List<HostRecord> WithServiceIds(List<HostRecord> hosts, List<ServiceRecord> services)
    {
        var byHost = services.GroupBy(service => service.HostId, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Select(service => service.ServiceId).Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
        return [.. hosts.Select(host => host with { ServiceIds = byHost.GetValueOrDefault(host.HostId) ?? [] })];
    }
}
