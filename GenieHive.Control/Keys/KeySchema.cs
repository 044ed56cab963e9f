namespace GenieHive.Control.Keys;

/// <summary>
/// The tables of named keys, their monthly usage and the audit. Plain SQL that PostgreSQL runs as it is: ids are
/// assigned by Control (no AUTOINCREMENT), times are Unix seconds (DOUBLE PRECISION, as in the rest of the schema), hashes base64.
/// </summary>
internal static class KeySchema
{
    public static readonly string[] Statements =
    [
        """
        CREATE TABLE IF NOT EXISTS api_keys (
            key_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            secret_hash TEXT NOT NULL,
            scopes_json TEXT NOT NULL,
            models_json TEXT NOT NULL DEFAULT '[]',
            requests_per_minute INTEGER,
            tokens_per_minute BIGINT,
            monthly_token_limit BIGINT,
            enabled INTEGER NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            rotated_at DOUBLE PRECISION NOT NULL
        );
        """,
        """
        CREATE TABLE IF NOT EXISTS key_usage (
            key_id TEXT NOT NULL,
            month TEXT NOT NULL,
            tokens BIGINT NOT NULL,
            PRIMARY KEY (key_id, month)
        );
        """,
        """
        CREATE TABLE IF NOT EXISTS audit_records (
            record_id BIGINT PRIMARY KEY,
            key_id TEXT NOT NULL,
            model TEXT,
            route TEXT,
            service_id TEXT,
            endpoint TEXT NOT NULL,
            status_code INTEGER NOT NULL,
            error_code TEXT,
            prompt_tokens BIGINT NOT NULL,
            completion_tokens BIGINT NOT NULL,
            latency_ms DOUBLE PRECISION NOT NULL,
            request_id TEXT,
            facade_id TEXT,
            at DOUBLE PRECISION NOT NULL
        );
        """,
        "CREATE INDEX IF NOT EXISTS ix_audit_records_key ON audit_records (key_id, record_id);",
        "CREATE INDEX IF NOT EXISTS ix_audit_records_at ON audit_records (at);",
    ];
}
