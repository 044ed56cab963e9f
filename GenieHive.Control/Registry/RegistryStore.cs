using System.Data;
using System.Data.Common;
using System.Text.Json;
using GenieHive.Contracts.Json;
using GenieHive.Contracts.Nodes;
using GenieHive.Control.Storage;

namespace GenieHive.Control.Registry;

/// <summary>Rows of <c>hosts</c> and <c>services</c>: written from registry snapshots, read once at start-up. Plain SQL both providers run.</summary>
public static class RegistryStore
{
    private static readonly GenieHiveJsonContext Json = GenieHiveJsonContext.Default;

    /// <summary>
    /// Writes each host row and, when given, replaces its services. Runs inside the caller's transaction, so a
    /// batch lands whole or not at all.
    /// </summary>
    public static void Save(DbConnection connection, DbTransaction transaction, IEnumerable<HostPersistence> hosts)
    {
        using var upsertHost = connection.CreateCommand();
        upsertHost.Transaction = transaction;
        upsertHost.CommandText = """
            INSERT INTO hosts (host_id, display_name, address, labels_json, capabilities_json, resources_json,
                               status_state, last_seen, metrics_json, registered_at)
            VALUES (@host_id, @display_name, @address, @labels, @capabilities, @resources, @state, @last_seen, @metrics, @registered_at)
            ON CONFLICT (host_id) DO UPDATE SET
                display_name = excluded.display_name, address = excluded.address, labels_json = excluded.labels_json,
                capabilities_json = excluded.capabilities_json, resources_json = excluded.resources_json,
                status_state = excluded.status_state, last_seen = excluded.last_seen, metrics_json = excluded.metrics_json,
                registered_at = excluded.registered_at;
            """;
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

        using var deleteServices = connection.CreateCommand();
        deleteServices.Transaction = transaction;
        deleteServices.CommandText = "DELETE FROM services WHERE host_id = @host_id;";
        var deleteHostId = deleteServices.Add("@host_id", DbType.String);

        using var insertService = connection.CreateCommand();
        insertService.Transaction = transaction;
        // An upsert: a service that moved from a stale host may still sit under its old owner's id in the database.
        insertService.CommandText = """
            INSERT INTO services (service_id, host_id, kind, protocol, endpoint, runtime_json, assets_json,
                                  state_json, observed_json, updated_at)
            VALUES (@service_id, @host_id, @kind, @protocol, @endpoint, @runtime, @assets, @state, @observed, @updated_at)
            ON CONFLICT (service_id) DO UPDATE SET
                host_id = excluded.host_id, kind = excluded.kind, protocol = excluded.protocol, endpoint = excluded.endpoint,
                runtime_json = excluded.runtime_json, assets_json = excluded.assets_json, state_json = excluded.state_json,
                observed_json = excluded.observed_json, updated_at = excluded.updated_at;
            """;
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

    public static List<HostRecord> LoadHosts(DbConnection connection)
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
    public static List<ServiceRecord> LoadServices(DbConnection connection)
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
