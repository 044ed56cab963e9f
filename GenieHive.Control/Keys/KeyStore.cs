using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using GenieHive.Contracts.Auth;
using GenieHive.Contracts.Json;
using GenieHive.Contracts.Keys;
using GenieHive.Control.Storage;
using Microsoft.Data.Sqlite;

namespace GenieHive.Control.Keys;

/// <summary>
/// The SQL of named keys, monthly usage, the audit and the hash secret: parameterised statements over
/// <see cref="ControlDatabase"/>'s connection, upserts as <c>INSERT ... ON CONFLICT</c> (SQLite and PostgreSQL both run them).
/// </summary>
public static class KeyStore
{
    private const string HashSecretState = "key_hash_secret";

    /// <summary>The stored hash secret, or <paramref name="generated"/> stored now when there is none yet.</summary>
    public static string HashSecret(SqliteConnection connection, SqliteTransaction transaction, string generated)
    {
        using var insert = Command(connection, transaction,
            "INSERT INTO control_state (key, value) VALUES ($key, $value) ON CONFLICT (key) DO NOTHING;");
        insert.Parameters.AddWithValue("$key", HashSecretState);
        insert.Parameters.AddWithValue("$value", generated);
        insert.ExecuteNonQuery();

        using var select = Command(connection, transaction, "SELECT value FROM control_state WHERE key = $key;");
        select.Parameters.AddWithValue("$key", HashSecretState);
        return (string)select.ExecuteScalar()!;
    }

    /// <summary>A new random hash secret (32 bytes, base64).</summary>
    public static string NewHashSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static List<StoredKey> LoadKeys(SqliteConnection connection)
    {
        using var command = Command(connection, null,
            """
            SELECT key_id, name, secret_hash, scopes_json, models_json, requests_per_minute, tokens_per_minute,
                   monthly_token_limit, enabled, created_at, rotated_at
            FROM api_keys ORDER BY created_at, key_id;
            """);
        using var reader = command.ExecuteReader();
        var keys = new List<StoredKey>();
        while (reader.Read())
        {
            var scopes = JsonSerializer.Deserialize(reader.GetString(3), GenieHiveJsonContext.Default.ListString) ?? [];
            keys.Add(new StoredKey
            {
                Id = reader.GetString(0),
                Name = reader.GetString(1),
                Hash = Convert.FromBase64String(reader.GetString(2)),
                Scopes = scopes.Aggregate(KeyScope.None, (all, name) => all | KeyScopes.Parse(name)),
                Models = JsonSerializer.Deserialize(reader.GetString(4), GenieHiveJsonContext.Default.ListString) ?? [],
                RequestsPerMinute = reader.IsDBNull(5) ? null : reader.GetInt32(5),
                TokensPerMinute = reader.IsDBNull(6) ? null : reader.GetInt64(6),
                MonthlyTokenLimit = reader.IsDBNull(7) ? null : reader.GetInt64(7),
                Enabled = reader.GetInt64(8) != 0,
                CreatedAt = reader.GetDouble(9),
                RotatedAt = reader.GetDouble(10),
            });
        }

        return keys;
    }

    public static void Upsert(SqliteConnection connection, SqliteTransaction transaction, StoredKey key)
    {
        using var command = Command(connection, transaction,
            """
            INSERT INTO api_keys (key_id, name, secret_hash, scopes_json, models_json, requests_per_minute, tokens_per_minute,
                                  monthly_token_limit, enabled, created_at, rotated_at)
            VALUES ($id, $name, $hash, $scopes, $models, $rpm, $tpm, $monthly, $enabled, $created, $rotated)
            ON CONFLICT (key_id) DO UPDATE SET
                name = excluded.name, secret_hash = excluded.secret_hash, scopes_json = excluded.scopes_json,
                models_json = excluded.models_json, requests_per_minute = excluded.requests_per_minute,
                tokens_per_minute = excluded.tokens_per_minute, monthly_token_limit = excluded.monthly_token_limit,
                enabled = excluded.enabled, rotated_at = excluded.rotated_at;
            """);
        var p = command.Parameters;
        p.AddWithValue("$id", key.Id);
        p.AddWithValue("$name", key.Name);
        p.AddWithValue("$hash", Convert.ToBase64String(key.Hash));
        p.AddWithValue("$scopes", JsonSerializer.Serialize(KeyScopes.ToNames(key.Scopes), GenieHiveJsonContext.Default.ListString));
        p.AddWithValue("$models", JsonSerializer.Serialize(key.Models, GenieHiveJsonContext.Default.ListString));
        p.AddWithValue("$rpm", (object?)key.RequestsPerMinute ?? DBNull.Value);
        p.AddWithValue("$tpm", (object?)key.TokensPerMinute ?? DBNull.Value);
        p.AddWithValue("$monthly", (object?)key.MonthlyTokenLimit ?? DBNull.Value);
        p.AddWithValue("$enabled", key.Enabled ? 1 : 0);
        p.AddWithValue("$created", key.CreatedAt);
        p.AddWithValue("$rotated", key.RotatedAt);
        command.ExecuteNonQuery();
    }

    public static void Delete(SqliteConnection connection, SqliteTransaction transaction, string id)
    {
        using var command = Command(connection, transaction, "DELETE FROM api_keys WHERE key_id = $id;");
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
    }

    /// <summary>Tokens per key in <paramref name="month"/> (<c>yyyy-MM</c>, UTC).</summary>
    public static Dictionary<string, long> LoadUsage(SqliteConnection connection, string month)
    {
        using var command = Command(connection, null, "SELECT key_id, tokens FROM key_usage WHERE month = $month;");
        command.Parameters.AddWithValue("$month", month);
        using var reader = command.ExecuteReader();
        var usage = new Dictionary<string, long>(StringComparer.Ordinal);
        while (reader.Read())
        {
            usage[reader.GetString(0)] = reader.GetInt64(1);
        }

        return usage;
    }

    public static void AddUsage(SqliteConnection connection, SqliteTransaction transaction, string keyId, string month, long tokens)
    {
        using var command = Command(connection, transaction,
            """
            INSERT INTO key_usage (key_id, month, tokens) VALUES ($key, $month, $tokens)
            ON CONFLICT (key_id, month) DO UPDATE SET tokens = key_usage.tokens + excluded.tokens;
            """);
        command.Parameters.AddWithValue("$key", keyId);
        command.Parameters.AddWithValue("$month", month);
        command.Parameters.AddWithValue("$tokens", tokens);
        command.ExecuteNonQuery();
    }

    /// <summary>The highest audit record id stored (0 for none): Control numbers new records after it.</summary>
    public static long LastAuditId(SqliteConnection connection)
    {
        using var command = Command(connection, null, "SELECT COALESCE(MAX(record_id), 0) FROM audit_records;");
        return (long)command.ExecuteScalar()!;
    }

    public static void InsertAudit(SqliteConnection connection, SqliteTransaction transaction, AuditRecord record)
    {
        using var command = Command(connection, transaction,
            """
            INSERT INTO audit_records (record_id, key_id, model, route, service_id, endpoint, status_code, error_code,
                                       prompt_tokens, completion_tokens, latency_ms, request_id, facade_id, at)
            VALUES ($id, $key, $model, $route, $service, $endpoint, $status, $error, $prompt, $completion, $latency, $request, $facade, $at);
            """);
        var p = command.Parameters;
        p.AddWithValue("$id", record.Id);
        p.AddWithValue("$key", record.KeyId);
        p.AddWithValue("$model", (object?)record.Model ?? DBNull.Value);
        p.AddWithValue("$route", (object?)record.Route ?? DBNull.Value);
        p.AddWithValue("$service", (object?)record.ServiceId ?? DBNull.Value);
        p.AddWithValue("$endpoint", record.Endpoint);
        p.AddWithValue("$status", record.StatusCode);
        p.AddWithValue("$error", (object?)record.ErrorCode ?? DBNull.Value);
        p.AddWithValue("$prompt", record.PromptTokens);
        p.AddWithValue("$completion", record.CompletionTokens);
        p.AddWithValue("$latency", record.LatencyMs);
        p.AddWithValue("$request", (object?)record.RequestId ?? DBNull.Value);
        p.AddWithValue("$facade", (object?)record.FacadeId ?? DBNull.Value);
        p.AddWithValue("$at", record.At);
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Audit records newest first, after the filters: before (a record id: the page after one
    /// already read), key, status, model, and since (Unix seconds).
    /// </summary>
    public static List<AuditRecord> QueryAudit(SqliteConnection connection, AuditQuery query)
    {
        using var command = Command(connection, null,
            """
            SELECT record_id, key_id, model, route, service_id, endpoint, status_code, error_code, prompt_tokens,
                   completion_tokens, latency_ms, request_id, facade_id, at
            FROM audit_records
            WHERE ($before IS NULL OR record_id < $before)
              AND ($key IS NULL OR key_id = $key)
              AND ($status IS NULL OR status_code = $status)
              AND ($model IS NULL OR model = $model)
              AND ($since IS NULL OR at >= $since)
            ORDER BY record_id DESC
            LIMIT $limit;
            """);
        var p = command.Parameters;
        p.AddWithValue("$before", (object?)query.Before ?? DBNull.Value);
        p.AddWithValue("$key", (object?)query.KeyId ?? DBNull.Value);
        p.AddWithValue("$status", (object?)query.Status ?? DBNull.Value);
        p.AddWithValue("$model", (object?)query.Model ?? DBNull.Value);
        p.AddWithValue("$since", (object?)query.Since ?? DBNull.Value);
        p.AddWithValue("$limit", query.Limit);
        using var reader = command.ExecuteReader();
        var records = new List<AuditRecord>();
        while (reader.Read())
        {
            records.Add(new AuditRecord
            {
                Id = reader.GetInt64(0),
                KeyId = reader.GetString(1),
                Model = Text(reader, 2),
                Route = Text(reader, 3),
                ServiceId = Text(reader, 4),
                Endpoint = reader.GetString(5),
                StatusCode = reader.GetInt32(6),
                ErrorCode = Text(reader, 7),
                PromptTokens = reader.GetInt64(8),
                CompletionTokens = reader.GetInt64(9),
                LatencyMs = reader.GetDouble(10),
                RequestId = Text(reader, 11),
                FacadeId = Text(reader, 12),
                At = reader.GetDouble(13),
            });
        }

        return records;
    }

    /// <summary>Deletes audit records older than <paramref name="cutoff"/> (Unix seconds); returns how many.</summary>
    public static int PruneAudit(SqliteConnection connection, SqliteTransaction transaction, double cutoff)
    {
        using var command = Command(connection, transaction, "DELETE FROM audit_records WHERE at < $cutoff;");
        command.Parameters.AddWithValue("$cutoff", cutoff);
        return command.ExecuteNonQuery();
    }

    /// <summary>The calendar month (UTC) of a Unix time, as usage is counted: <c>yyyy-MM</c>.</summary>
    public static string Month(double unixSeconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)(unixSeconds * 1000)).UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}

/// <summary>The filters of one audit page.</summary>
public sealed record AuditQuery(string? KeyId, int? Status, string? Model, double? Since, long? Before, int Limit);
