using System.Text.Json;
using GenieHive.Contracts.Json;
using GenieHive.Contracts.Nodes;
using GenieHive.Control.Storage;
using Microsoft.Data.Sqlite;

namespace GenieHive.Control.Registry;

/// <summary>Rows of <c>hosts</c> and <c>services</c>: written from registry snapshots, read once at start-up.</summary>
public static class RegistryStore
{
    private static readonly GenieHiveJsonContext Json = GenieHiveJsonContext.Default;

    /// <summary>
    /// Writes each host row and, when given, replaces its services. Runs inside the caller's transaction, so a
    /// batch lands whole or not at all.
    /// </summary>
    public static void Save(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<HostPersistence> hosts)
    {
        using var upsertHost = connection.CreateCommand();
        upsertHost.Transaction = transaction;
        upsertHost.CommandText = """
            INSERT INTO hosts (host_id, display_name, address, labels_json, capabilities_json, resources_json,
                               status_state, last_seen, metrics_json, registered_at)
            VALUES ($host_id, $display_name, $address, $labels, $capabilities, $resources, $state, $last_seen, $metrics, $registered_at)
            ON CONFLICT (host_id) DO UPDATE SET
                display_name = excluded.display_name, address = excluded.address, labels_json = excluded.labels_json,
                capabilities_json = excluded.capabilities_json, resources_json = excluded.resources_json,
                status_state = excluded.status_state, last_seen = excluded.last_seen, metrics_json = excluded.metrics_json,
                registered_at = excluded.registered_at;
            """;
        var hostId = upsertHost.Parameters.Add("$host_id", SqliteType.Text);
        var displayName = upsertHost.Parameters.Add("$display_name", SqliteType.Text);
        var address = upsertHost.Parameters.Add("$address", SqliteType.Text);
        var labels = upsertHost.Parameters.Add("$labels", SqliteType.Text);
        var capabilities = upsertHost.Parameters.Add("$capabilities", SqliteType.Text);
        var resources = upsertHost.Parameters.Add("$resources", SqliteType.Text);
        var state = upsertHost.Parameters.Add("$state", SqliteType.Text);
        var lastSeen = upsertHost.Parameters.Add("$last_seen", SqliteType.Real);
        var metrics = upsertHost.Parameters.Add("$metrics", SqliteType.Text);
        var registeredAt = upsertHost.Parameters.Add("$registered_at", SqliteType.Real);

        using var deleteServices = connection.CreateCommand();
        deleteServices.Transaction = transaction;
        deleteServices.CommandText = "DELETE FROM services WHERE host_id = $host_id;";
        var deleteHostId = deleteServices.Parameters.Add("$host_id", SqliteType.Text);

        using var insertService = connection.CreateCommand();
        insertService.Transaction = transaction;
        // REPLACE: a service that moved from a stale host may still sit under its old owner's id in the file.
        insertService.CommandText = """
            INSERT OR REPLACE INTO services (service_id, host_id, kind, protocol, endpoint, runtime_json, assets_json,
                                             state_json, observed_json, updated_at)
            VALUES ($service_id, $host_id, $kind, $protocol, $endpoint, $runtime, $assets, $state, $observed, $updated_at);
            """;
        var serviceId = insertService.Parameters.Add("$service_id", SqliteType.Text);
        var serviceHost = insertService.Parameters.Add("$host_id", SqliteType.Text);
        var kind = insertService.Parameters.Add("$kind", SqliteType.Text);
        var protocol = insertService.Parameters.Add("$protocol", SqliteType.Text);
        var endpoint = insertService.Parameters.Add("$endpoint", SqliteType.Text);
        var runtime = insertService.Parameters.Add("$runtime", SqliteType.Text);
        var assets = insertService.Parameters.Add("$assets", SqliteType.Text);
        var serviceState = insertService.Parameters.Add("$state", SqliteType.Text);
        var observed = insertService.Parameters.Add("$observed", SqliteType.Text);
        var updatedAt = insertService.Parameters.Add("$updated_at", SqliteType.Real);

        foreach (var (host, services) in hosts)
        {
            hostId.Value = host.HostId;
            displayName.Value = (object?)host.DisplayName ?? DBNull.Value;
            address.Value = host.Address;
            labels.Value = JsonSerializer.Serialize(host.Labels, Json.DictionaryStringString);
            capabilities.Value = (object?)StoredJson.Write(host.Capabilities, Json.JsonObject) ?? DBNull.Value;
            resources.Value = (object?)StoredJson.Write(host.Resources, Json.JsonObject) ?? DBNull.Value;
            state.Value = host.State;
            lastSeen.Value = host.LastSeen;
            metrics.Value = JsonSerializer.Serialize(host.Metrics, Json.JsonObject);
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

    public static List<HostRecord> LoadHosts(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT host_id, display_name, address, labels_json, capabilities_json, resources_json,
                   status_state, last_seen, metrics_json, registered_at
            FROM hosts;
            """;
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
            });
        }

        return hosts;
    }

    /// <summary>Services grouped by host; <see cref="HostRecord.ServiceIds"/> is filled from them.</summary>
    public static List<ServiceRecord> LoadServices(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT service_id, host_id, kind, protocol, endpoint, runtime_json, assets_json, state_json, observed_json, updated_at
            FROM services ORDER BY host_id, service_id;
            """;
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
