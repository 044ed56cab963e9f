namespace GenieHive.Control.Storage;

/// <summary>
/// The tables, created if missing at every start, in SQL that SQLite and PostgreSQL both run. Nested objects are
/// JSON text columns, as in the earlier implementation, so a database stays readable with the sqlite3 shell or psql.
/// Timestamps are Unix seconds as DOUBLE PRECISION (SQLite stores it as its 8-byte REAL; PostgreSQL's REAL would
/// be 4 bytes and lose the milliseconds).
/// </summary>
internal static class Schema
{
    public static readonly string[] Statements =
    [
        """
        CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER NOT NULL,
            applied_at DOUBLE PRECISION NOT NULL
        );
        """,
        """
        CREATE TABLE IF NOT EXISTS hosts (
            host_id TEXT PRIMARY KEY,
            display_name TEXT,
            address TEXT NOT NULL,
            labels_json TEXT NOT NULL DEFAULT '{}',
            capabilities_json TEXT,
            resources_json TEXT,
            status_state TEXT NOT NULL DEFAULT 'online',
            last_seen DOUBLE PRECISION NOT NULL,
            metrics_json TEXT NOT NULL DEFAULT '{}',
            registered_at DOUBLE PRECISION NOT NULL,
            change_seq BIGINT NOT NULL DEFAULT 0,
            full_seq BIGINT NOT NULL DEFAULT 0
        );
        """,
        """
        CREATE TABLE IF NOT EXISTS services (
            service_id TEXT PRIMARY KEY,
            host_id TEXT NOT NULL REFERENCES hosts (host_id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            protocol TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            runtime_json TEXT,
            assets_json TEXT NOT NULL DEFAULT '[]',
            state_json TEXT,
            observed_json TEXT,
            updated_at DOUBLE PRECISION NOT NULL
        );
        """,
        "CREATE INDEX IF NOT EXISTS ix_services_host ON services (host_id);",
        """
        CREATE TABLE IF NOT EXISTS roles (
            role_id TEXT PRIMARY KEY,
            display_name TEXT,
            description TEXT,
            operation TEXT NOT NULL,
            modality TEXT NOT NULL,
            prompt_policy_json TEXT NOT NULL DEFAULT '{}',
            routing_policy_json TEXT NOT NULL DEFAULT '{}',
            updated_at DOUBLE PRECISION NOT NULL
        );
        """,
        """
        CREATE TABLE IF NOT EXISTS benchmark_samples (
            benchmark_id TEXT PRIMARY KEY,
            service_id TEXT NOT NULL,
            asset_id TEXT,
            workload TEXT NOT NULL,
            observed_at DOUBLE PRECISION NOT NULL,
            results_json TEXT NOT NULL DEFAULT '{}'
        );
        """,
        "CREATE INDEX IF NOT EXISTS ix_benchmark_samples_service ON benchmark_samples (service_id, workload);",
        """
        CREATE TABLE IF NOT EXISTS benchmark_runs (
            run_id TEXT PRIMARY KEY,
            status TEXT NOT NULL,
            workload TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            run_json TEXT NOT NULL
        );
        """,
        """
        CREATE TABLE IF NOT EXISTS control_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """,
        .. Keys.KeySchema.Statements,
        .. Observations.ObservationSchema.Statements,
    ];

    /// <summary>
    /// What brings a database of an older schema version to this one: the statements of each version above the
    /// stored one, in order. A new database gets the current shape from <see cref="Statements"/> and runs none.
    /// </summary>
    public static readonly (int Version, string[] Statements)[] Migrations =
    [
        // 2: the registry sequences replicas follow (RegistryStore.SequenceKey). No index on them: a replica's poll
        // scans the hosts table (a few milliseconds at 10,000 hosts), and an unindexed last_seen update stays cheap.
        (2,
        [
            "ALTER TABLE hosts ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;",
            "ALTER TABLE hosts ADD COLUMN full_seq BIGINT NOT NULL DEFAULT 0;",
        ]),
    ];
}
