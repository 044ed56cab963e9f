using System.Text.Json;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using Microsoft.Data.Sqlite;

namespace GenieHive.Control.Roles;

/// <summary>The <c>roles</c> table: the YAML is the source of truth, so it is replaced whole at start-up.</summary>
public static class RoleStore
{
    public static void ReplaceAll(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<RoleView> roles)
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
            VALUES ($role_id, $display_name, $description, $operation, $modality, $prompt_policy, $routing_policy, $updated_at);
            """;
        var roleId = insert.Parameters.Add("$role_id", SqliteType.Text);
        var displayName = insert.Parameters.Add("$display_name", SqliteType.Text);
        var description = insert.Parameters.Add("$description", SqliteType.Text);
        var operation = insert.Parameters.Add("$operation", SqliteType.Text);
        var modality = insert.Parameters.Add("$modality", SqliteType.Text);
        var promptPolicy = insert.Parameters.Add("$prompt_policy", SqliteType.Text);
        var routingPolicy = insert.Parameters.Add("$routing_policy", SqliteType.Text);
        var updatedAt = insert.Parameters.Add("$updated_at", SqliteType.Real);
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

    public static int Count(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM roles;";
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
