namespace GenieHive.Control.Observations;

/// <summary>
/// The facades' latest reports, shared between Control replicas on one database: one row per facade and service,
/// stamped with the replica that received it, when (Unix seconds, the receiving replica's clock) and the revision of
/// the write (from the <c>control_state</c> counter <see cref="ObservationReportStore.RevisionKey"/>), so that each
/// replica reads only what changed since it last looked. Created on SQLite too, where one Control never reads it.
/// </summary>
internal static class ObservationSchema
{
    public static readonly string[] Statements =
    [
        """
        CREATE TABLE IF NOT EXISTS observation_reports (
            reporter_id TEXT NOT NULL,
            service_id TEXT NOT NULL,
            observation_json TEXT NOT NULL,
            received_at DOUBLE PRECISION NOT NULL,
            received_by TEXT NOT NULL,
            revision BIGINT NOT NULL,
            PRIMARY KEY (reporter_id, service_id)
        );
        """,
        "CREATE INDEX IF NOT EXISTS ix_observation_reports_revision ON observation_reports (revision);",
        "CREATE INDEX IF NOT EXISTS ix_observation_reports_received ON observation_reports (received_at);",
    ];
}
