using System.Data;
using System.Data.Common;
using System.Text.Json;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Control.Storage;

namespace GenieHive.Control.Roles;

/// <summary>The <c>roles</c> table: the YAML is the source of truth, so it is replaced whole at start-up.</summary>
public static class RoleStore
{
    /// <summary>
    /// Replaces the stored roles with <paramref name="roles"/>. The insert is an upsert: replicas starting together on
    /// PostgreSQL both delete and insert, and the second's delete does not see the first's new rows (a plain insert
    /// would then stop its start-up on a duplicate key).
    /// </summary>
    public static void ReplaceAll(DbConnection connection, DbTransaction transaction, IEnumerable<RoleView> roles)
    {
        using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM roles;";
            delete.ExecuteNonQuery();
        }

        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO roles (role_id, display_name, description, operation, modality, prompt_policy_json, routing_policy_json, updated_at)
            VALUES (@role_id, @display_name, @description, @operation, @modality, @prompt_policy, @routing_policy, @updated_at)
            ON CONFLICT (role_id) DO UPDATE SET
                display_name = excluded.display_name, description = excluded.description, operation = excluded.operation,
                modality = excluded.modality, prompt_policy_json = excluded.prompt_policy_json,
                routing_policy_json = excluded.routing_policy_json, updated_at = excluded.updated_at;
            """;
        var roleId = insert.Add("@role_id", DbType.String);
        var displayName = insert.Add("@display_name", DbType.String);
        var description = insert.Add("@description", DbType.String);
        var operation = insert.Add("@operation", DbType.String);
        var modality = insert.Add("@modality", DbType.String);
        var promptPolicy = insert.Add("@prompt_policy", DbType.String);
        var routingPolicy = insert.Add("@routing_policy", DbType.String);
        var updatedAt = insert.Add("@updated_at", DbType.Double);
        foreach (var role in roles)
        {
            roleId.Value = role.RoleId;
            displayName.Value = (object?)role.DisplayName ?? DBNull.Value;
            description.Value = (object?)role.Description ?? DBNull.Value;
            operation.Value = role.Operation;
            modality.Value = role.Modality;
            promptPolicy.Value = JsonSerializer.Serialize(role.PromptPolicy, GenieHiveJsonContext.Default.PromptPolicy);
            routingPolicy.Value = JsonSerializer.Serialize(role.RoutingPolicy, GenieHiveJsonContext.Default.RoutingPolicy);
            updatedAt.Value = role.UpdatedAt;
            insert.ExecuteNonQuery();
        }
    }

    public static int Count(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM roles;";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
