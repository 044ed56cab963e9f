using System.Data;
using System.Data.Common;
using GenieHive.Contracts.Json;
using GenieHive.Control.Storage;

namespace GenieHive.Control.Observations;

/// <summary>
/// The <c>observation_reports</c> table (<see cref="ObservationSchema"/>): each replica writes the reports it received,
/// and reads those written since the revision it last read.
/// </summary>
public static class ObservationReportStore
{
    /// <summary>
    /// The <c>control_state</c> counter that stamps each batch. <see cref="ControlState.Advance"/> holds its row until
    /// the batch commits, so batches commit in revision order: a reader that saw revision n has seen every batch before it.
    /// </summary>
    public const string RevisionKey = "observation_revision";

    /// <summary>Writes one batch under a new revision. A row already holding a later report of the same facade and service stays.</summary>
    public static void Save(DbConnection connection, DbTransaction transaction, IEnumerable<ReceivedObservation> batch, string receivedBy)
    {
        var revision = ControlState.Advance(connection, transaction, RevisionKey);
        using var command = connection.Command(transaction, """
            INSERT INTO observation_reports (reporter_id, service_id, observation_json, received_at, received_by, revision)
            VALUES (@reporter_id, @service_id, @observation_json, @received_at, @received_by, @revision)
            ON CONFLICT (reporter_id, service_id) DO UPDATE SET
                observation_json = excluded.observation_json, received_at = excluded.received_at,
                received_by = excluded.received_by, revision = excluded.revision
            WHERE excluded.received_at >= observation_reports.received_at;
            """);
        var reporter = command.Add("@reporter_id", DbType.String);
        var service = command.Add("@service_id", DbType.String);
        var json = command.Add("@observation_json", DbType.String);
        var receivedAt = command.Add("@received_at", DbType.Double);
        command.Add("@received_by", DbType.String, receivedBy);
        command.Add("@revision", DbType.Int64, revision);
        foreach (var row in batch)
        {
            reporter.Value = row.ReporterId;
            service.Value = row.Observation.ServiceId;
            json.Value = StoredJson.Write(row.Observation, GenieHiveJsonContext.Default.ServiceObservation);
            receivedAt.Value = row.ReceivedAt;
            command.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// The reports written after <paramref name="afterRevision"/> by other replicas than <paramref name="reader"/>, and
    /// the latest revision read (<paramref name="afterRevision"/> when nothing was written since).
    /// </summary>
    public static (List<ReceivedObservation> Reports, long Revision) ReadSince(DbConnection connection, long afterRevision, string reader)
    {
        using var command = connection.Command(null, """
            SELECT reporter_id, observation_json, received_at, received_by, revision FROM observation_reports
            WHERE revision > @after;
            """);
        command.Add("@after", DbType.Int64, afterRevision);
        using var rows = command.ExecuteReader();
        var reports = new List<ReceivedObservation>();
        var revision = afterRevision;
        while (rows.Read())
        {
            revision = Math.Max(revision, rows.GetInt64(4));
            // Its own reports this replica already holds: not worth parsing again.
            if (string.Equals(rows.GetString(3), reader, StringComparison.Ordinal))
            {
                continue;
            }

            if (StoredJson.Read(rows.GetValue(1), GenieHiveJsonContext.Default.ServiceObservation) is { } observation)
            {
                reports.Add(new ReceivedObservation(rows.GetString(0), observation, rows.GetDouble(2)));
            }
        }

        return (reports, revision);
    }

    /// <summary>Deletes the reports received before <paramref name="cutoff"/> (which every merger has dropped already).</summary>
    public static void DeleteReceivedBefore(DbConnection connection, DbTransaction transaction, double cutoff)
    {
        using var command = connection.Command(transaction, "DELETE FROM observation_reports WHERE received_at < @cutoff;");
        command.Add("@cutoff", DbType.Double, cutoff);
        command.ExecuteNonQuery();
    }
}
