namespace GenieHive.Control.Keys;

/// <summary>
/// The tables of named keys, their monthly usage and the audit. Plain SQL that PostgreSQL runs as it is: ids are
/// assigned by Control (no AUTOINCREMENT), times are Unix seconds (REAL, as in the rest of the schema), hashes base64.
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
            tokens_per_minute INTEGER,
            monthly_token_limit INTEGER,
            enabled INTEGER NOT NULL,
            created_at REAL NOT NULL,
            rotated_at REAL NOT NULL
        );
        """,
        """
        CREATE TABLE IF NOT EXISTS key_usage (
            key_id TEXT NOT NULL,
            month TEXT NOT NULL,
            tokens INTEGER NOT NULL,
            PRIMARY KEY (key_id, month)
        );
        """,
        """
        CREATE TABLE IF NOT EXISTS audit_records (
            record_id INTEGER PRIMARY KEY,
            key_id TEXT NOT NULL,
            model TEXT,
            route TEXT,
            service_id TEXT,
            endpoint TEXT NOT NULL,
            status_code INTEGER NOT NULL,
            error_code TEXT,
            prompt_tokens INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL,
            latency_ms REAL NOT NULL,
            request_id TEXT,
            facade_id TEXT,
            at REAL NOT NULL
        );
        """,
        "CREATE INDEX IF NOT EXISTS ix_audit_records_key ON audit_records (key_id, record_id);",
        "CREATE INDEX IF NOT EXISTS ix_audit_records_at ON audit_records (at);",
    ];
}
