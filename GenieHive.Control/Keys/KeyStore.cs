using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using GenieHive.Contracts.Auth;
using GenieHive.Contracts.Json;
using GenieHive.Contracts.Keys;
using GenieHive.Control.Storage;

namespace GenieHive.Control.Keys;

/// <summary>
/// The SQL of named keys, monthly usage, the audit and the hash secret: parameterised statements over
/// <see cref="ControlDatabase"/>'s connection (either provider), `@name` parameters, upserts as <c>INSERT ... ON CONFLICT</c> (SQLite and PostgreSQL both run them).
/// </summary>
public static class KeyStore
{
    private const string HashSecretState = "key_hash_secret";

    /// <summary>The stored hash secret, or <paramref name="generated"/> stored now when there is none yet.</summary>
    public static string HashSecret(DbConnection connection, DbTransaction transaction, string generated)
    {
        using var insert = connection.Command(transaction,
            "INSERT INTO control_state (key, value) VALUES (@key, @value) ON CONFLICT (key) DO NOTHING;");
        insert.Add("@key", DbType.String, HashSecretState);
        insert.Add("@value", DbType.String, generated);
        insert.ExecuteNonQuery();

        using var select = connection.Command(transaction, "SELECT value FROM control_state WHERE key = @key;");
        select.Add("@key", DbType.String, HashSecretState);
        return (string)select.ExecuteScalar()!;
    }

    /// <summary>A new random hash secret (32 bytes, base64).</summary>
    public static string NewHashSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Every stored key, or only the one with <paramref name="id"/> (read inside <paramref name="transaction"/> when given).</summary>
    public static List<StoredKey> LoadKeys(DbConnection connection, DbTransaction? transaction = null, string? id = null)
    {
        using var command = connection.Command(transaction,
            """
            SELECT key_id, name, secret_hash, scopes_json, models_json, requests_per_minute, tokens_per_minute,
                   monthly_token_limit, enabled, created_at, rotated_at
            FROM api_keys WHERE (@id IS NULL OR key_id = @id) ORDER BY created_at, key_id;
            """);
        command.Add("@id", DbType.String, id);
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
                Enabled = reader.GetInt32(8) != 0,
                CreatedAt = reader.GetDouble(9),
                RotatedAt = reader.GetDouble(10),
            });
        }

        return keys;
    }

    public static void Upsert(DbConnection connection, DbTransaction transaction, StoredKey key)
    {
        using var command = connection.Command(transaction,
            """
            INSERT INTO api_keys (key_id, name, secret_hash, scopes_json, models_json, requests_per_minute, tokens_per_minute,
                                  monthly_token_limit, enabled, created_at, rotated_at)
            VALUES (@id, @name, @hash, @scopes, @models, @rpm, @tpm, @monthly, @enabled, @created, @rotated)
            ON CONFLICT (key_id) DO UPDATE SET
                name = excluded.name, secret_hash = excluded.secret_hash, scopes_json = excluded.scopes_json,
                models_json = excluded.models_json, requests_per_minute = excluded.requests_per_minute,
                tokens_per_minute = excluded.tokens_per_minute, monthly_token_limit = excluded.monthly_token_limit,
                enabled = excluded.enabled, rotated_at = excluded.rotated_at;
            """);
        command.Add("@id", DbType.String, key.Id);
        command.Add("@name", DbType.String, key.Name);
        command.Add("@hash", DbType.String, Convert.ToBase64String(key.Hash));
        command.Add("@scopes", DbType.String, JsonSerializer.Serialize(KeyScopes.ToNames(key.Scopes), GenieHiveJsonContext.Default.ListString));
        command.Add("@models", DbType.String, JsonSerializer.Serialize(key.Models, GenieHiveJsonContext.Default.ListString));
        command.Add("@rpm", DbType.Int32, key.RequestsPerMinute);
        command.Add("@tpm", DbType.Int64, key.TokensPerMinute);
        command.Add("@monthly", DbType.Int64, key.MonthlyTokenLimit);
        command.Add("@enabled", DbType.Int32, key.Enabled ? 1 : 0);
        command.Add("@created", DbType.Double, key.CreatedAt);
        command.Add("@rotated", DbType.Double, key.RotatedAt);
        command.ExecuteNonQuery();
    }

    public static void Delete(DbConnection connection, DbTransaction transaction, string id)
    {
        using var command = connection.Command(transaction, "DELETE FROM api_keys WHERE key_id = @id;");
        command.Add("@id", DbType.String, id);
        command.ExecuteNonQuery();
    }

    /// <summary>Tokens per key in <paramref name="month"/> (<c>yyyy-MM</c>, UTC).</summary>
    public static Dictionary<string, long> LoadUsage(DbConnection connection, string month)
    {
        using var command = connection.Command(null, "SELECT key_id, tokens FROM key_usage WHERE month = @month;");
        command.Add("@month", DbType.String, month);
        using var reader = command.ExecuteReader();
        var usage = new Dictionary<string, long>(StringComparer.Ordinal);
        while (reader.Read())
        {
            usage[reader.GetString(0)] = reader.GetInt64(1);
        }

        return usage;
    }

    public static void AddUsage(DbConnection connection, DbTransaction transaction, string keyId, string month, long tokens)
    {
        using var command = connection.Command(transaction,
            """
            INSERT INTO key_usage (key_id, month, tokens) VALUES (@key, @month, @tokens)
            ON CONFLICT (key_id, month) DO UPDATE SET tokens = key_usage.tokens + excluded.tokens;
            """);
        command.Add("@key", DbType.String, keyId);
        command.Add("@month", DbType.String, month);
        command.Add("@tokens", DbType.Int64, tokens);
        command.ExecuteNonQuery();
    }

    /// <summary>The highest audit record id stored (0 for none): Control numbers new records after it.</summary>
    public static long LastAuditId(DbConnection connection)
    {
        using var command = connection.Command(null, "SELECT COALESCE(MAX(record_id), 0) FROM audit_records;");
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// Inserts a facade's batch of audit records with one statement prepared once and bound per record: a facade at
    /// 12,000 requests a second sends that many records a second, and preparing the statement per record made Control
    /// spend as much CPU on the audit as the facade spent on the requests (bench/run.sh, CPU per request).
    /// </summary>
    public static void InsertAudits(DbConnection connection, DbTransaction transaction, IReadOnlyList<AuditRecord> records)
    {
        using var command = connection.Command(transaction,
            """
            INSERT INTO audit_records (record_id, key_id, model, route, service_id, endpoint, status_code, error_code,
                                       prompt_tokens, completion_tokens, latency_ms, request_id, facade_id, at)
            VALUES (@id, @key, @model, @route, @service, @endpoint, @status, @error, @prompt, @completion, @latency, @request, @facade, @at);
            """);
        var id = command.Add("@id", DbType.Int64);
        var key = command.Add("@key", DbType.String);
        var model = command.Add("@model", DbType.String);
        var route = command.Add("@route", DbType.String);
        var service = command.Add("@service", DbType.String);
        var endpoint = command.Add("@endpoint", DbType.String);
        var status = command.Add("@status", DbType.Int32);
        var error = command.Add("@error", DbType.String);
        var prompt = command.Add("@prompt", DbType.Int64);
        var completion = command.Add("@completion", DbType.Int64);
        var latency = command.Add("@latency", DbType.Double);
        var request = command.Add("@request", DbType.String);
        var facade = command.Add("@facade", DbType.String);
        var at = command.Add("@at", DbType.Double);
        command.Prepare();
        foreach (var record in records)
        {
            id.Value = record.Id;
            key.Value = record.KeyId;
            model.Value = (object?)record.Model ?? DBNull.Value;
            route.Value = (object?)record.Route ?? DBNull.Value;
            service.Value = (object?)record.ServiceId ?? DBNull.Value;
            endpoint.Value = record.Endpoint;
            status.Value = record.StatusCode;
            error.Value = (object?)record.ErrorCode ?? DBNull.Value;
            prompt.Value = record.PromptTokens;
            completion.Value = record.CompletionTokens;
            latency.Value = record.LatencyMs;
            request.Value = (object?)record.RequestId ?? DBNull.Value;
            facade.Value = (object?)record.FacadeId ?? DBNull.Value;
            at.Value = record.At;
            command.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Audit records newest first, after the filters: before (a record id: the page after one
    /// already read), key, status, model, and since (Unix seconds).
    /// </summary>
    public static List<AuditRecord> QueryAudit(DbConnection connection, AuditQuery query)
    {
        using var command = connection.Command(null,
            """
            SELECT record_id, key_id, model, route, service_id, endpoint, status_code, error_code, prompt_tokens,
                   completion_tokens, latency_ms, request_id, facade_id, at
            FROM audit_records
            WHERE (@before IS NULL OR record_id < @before)
              AND (@key IS NULL OR key_id = @key)
              AND (@status IS NULL OR status_code = @status)
              AND (@model IS NULL OR model = @model)
              AND (@since IS NULL OR at >= @since)
            ORDER BY record_id DESC
            LIMIT @limit;
            """);
        command.Add("@before", DbType.Int64, query.Before);
        command.Add("@key", DbType.String, query.KeyId);
        command.Add("@status", DbType.Int32, query.Status);
        command.Add("@model", DbType.String, query.Model);
        command.Add("@since", DbType.Double, query.Since);
        command.Add("@limit", DbType.Int32, query.Limit);
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
    public static int PruneAudit(DbConnection connection, DbTransaction transaction, double cutoff)
    {
        using var command = connection.Command(transaction, "DELETE FROM audit_records WHERE at < @cutoff;");
        command.Add("@cutoff", DbType.Double, cutoff);
        return command.ExecuteNonQuery();
    }

    /// <summary>The calendar month (UTC) of a Unix time, as usage is counted: <c>yyyy-MM</c>.</summary>
    public static string Month(double unixSeconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)(unixSeconds * 1000)).UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}

/// <summary>The filters of one audit page.</summary>
public sealed record AuditQuery(string? KeyId, int? Status, string? Model, double? Since, long? Before, int Limit);
