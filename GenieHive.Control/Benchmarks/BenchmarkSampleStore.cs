using System.Data;
using System.Data.Common;
using System.Text.Json;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Control.Routing;
using GenieHive.Control.Storage;

namespace GenieHive.Control.Benchmarks;

/// <summary>
/// Benchmark samples: every sample in the database and in memory (served from memory), upserted by benchmark id.
/// The routing table carries the latest sample per (service, asset, workload) of registered services. Every ingest
/// raises a counter in <c>control_state</c> (<see cref="RevisionKey"/>) in the same transaction, so a replica that sees
/// the counter move reads the samples again (<see cref="Refresh"/>): samples are rare, a whole read is cheap.
/// </summary>
public sealed class BenchmarkSampleStore(ControlDatabase database, RoutingChanges changes)
{
    /// <summary>The <c>control_state</c> counter every ingest raises.</summary>
    public const string RevisionKey = "benchmark_samples_revision";

    private readonly Lock _gate = new();
    private Dictionary<string, BenchmarkSample> _samples = new(StringComparer.Ordinal);
    private readonly SharedRevision _revision = new(RevisionKey);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _samples.Count;
            }
        }
    }

    public void Load(IEnumerable<BenchmarkSample> samples)
    {
        lock (_gate)
        {
            foreach (var sample in samples)
            {
                _samples[sample.BenchmarkId] = sample;
            }
        }
    }

    /// <summary>
    /// Upserts the samples in one transaction; memory is updated once it committed, under the same writer lock, so
    /// concurrent ingests of the same id end the same way in memory and on disk.
    /// </summary>
    public async Task IngestAsync(IReadOnlyList<BenchmarkSample> samples, CancellationToken cancellationToken)
    {
        foreach (var sample in samples)
        {
            StoredJson.Freeze(sample.Results);
        }

        await database.WriteAsync((connection, transaction) =>
        {
            Upsert(connection, transaction, samples);
            return _revision.Advance(connection, transaction);
        }, revision =>
        {
            lock (_gate)
            {
                foreach (var sample in samples)
                {
                    _samples[sample.BenchmarkId] = sample;
                }
            }

            _revision.Committed(revision);
        }, cancellationToken);
        changes.Mark();
    }

    /// <summary>
    /// Reads every sample again when another Control replica ingested since this one last looked (the counter moved).
    /// Runs under the database's writer lock, so no ingest of this replica lands between the read and the swap.
    /// True when the samples were read again.
    /// </summary>
    public bool Refresh()
    {
        var refreshed = database.Read(connection =>
        {
            if (_revision.Moved(connection) is not { } stored)
            {
                return false;
            }

            var all = LoadAll(connection).ToDictionary(sample => sample.BenchmarkId, StringComparer.Ordinal);
            lock (_gate)
            {
                _samples = all;
            }

            _revision.Matched(stored);
            return true;
        });
        if (refreshed)
        {
            changes.Mark();
        }

        return refreshed;
    }

    /// <summary>Samples filtered by service and workload (exact), newest first, then by benchmark id.</summary>
    public List<BenchmarkSample> Query(string? serviceId, string? workload, IReadOnlySet<string>? serviceIds = null)
    {
        lock (_gate)
        {
            return [.. _samples.Values
                .Where(sample => (serviceId is null || string.Equals(sample.ServiceId, serviceId, StringComparison.Ordinal))
                    && (workload is null || string.Equals(sample.Workload, workload, StringComparison.Ordinal))
                    && (serviceIds is null || serviceIds.Contains(sample.ServiceId)))
                .OrderByDescending(sample => sample.ObservedAt)
                .ThenBy(sample => sample.BenchmarkId, StringComparer.Ordinal)];
        }
    }

    /// <summary>The newest sample per (service, asset, workload), for services that <paramref name="isKnownService"/> accepts.</summary>
    public List<BenchmarkSample> LatestPerWorkload(Func<string, bool> isKnownService) =>
        LatestPerWorkload(isKnownService, double.NegativeInfinity);

    /// <summary>
    /// The newest sample per (service, asset, workload) observed at or after <paramref name="notBefore"/> (Unix
    /// seconds), for services that <paramref name="isKnownService"/> accepts: older samples have aged out of scoring.
    /// </summary>
    public List<BenchmarkSample> LatestPerWorkload(Func<string, bool> isKnownService, double notBefore)
    {
        lock (_gate)
        {
            return [.. _samples.Values
                .Where(sample => sample.ObservedAt >= notBefore && isKnownService(sample.ServiceId))
                .GroupBy(sample => (sample.ServiceId, sample.AssetId, sample.Workload))
                .Select(group => group.MaxBy(sample => (sample.ObservedAt, sample.BenchmarkId))!)
                .OrderBy(sample => sample.ServiceId, StringComparer.Ordinal)
                .ThenBy(sample => sample.Workload, StringComparer.Ordinal)
                .ThenBy(sample => sample.BenchmarkId, StringComparer.Ordinal)];
        }
    }

    public static List<BenchmarkSample> LoadAll(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT benchmark_id, service_id, asset_id, workload, observed_at, results_json FROM benchmark_samples;";
        using var reader = command.ExecuteReader();
        var samples = new List<BenchmarkSample>();
        while (reader.Read())
        {
            samples.Add(new BenchmarkSample
            {
                BenchmarkId = reader.GetString(0),
                ServiceId = reader.GetString(1),
                AssetId = reader.IsDBNull(2) ? null : reader.GetString(2),
                Workload = reader.GetString(3),
                ObservedAt = reader.GetDouble(4),
                Results = StoredJson.Freeze(StoredJson.Read(reader.GetValue(5), GenieHiveJsonContext.Default.JsonObject)) ?? [],
            });
        }

        return samples;
    }

    private static void Upsert(DbConnection connection, DbTransaction transaction, IReadOnlyList<BenchmarkSample> samples)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO benchmark_samples (benchmark_id, service_id, asset_id, workload, observed_at, results_json)
            VALUES (@benchmark_id, @service_id, @asset_id, @workload, @observed_at, @results)
            ON CONFLICT (benchmark_id) DO UPDATE SET
                service_id = excluded.service_id, asset_id = excluded.asset_id, workload = excluded.workload,
                observed_at = excluded.observed_at, results_json = excluded.results_json;
            """;
        var benchmarkId = command.Add("@benchmark_id", DbType.String);
        var serviceId = command.Add("@service_id", DbType.String);
        var assetId = command.Add("@asset_id", DbType.String);
        var workload = command.Add("@workload", DbType.String);
        var observedAt = command.Add("@observed_at", DbType.Double);
        var results = command.Add("@results", DbType.String);
        foreach (var sample in samples)
        {
            benchmarkId.Value = sample.BenchmarkId;
            serviceId.Value = sample.ServiceId;
            assetId.Value = (object?)sample.AssetId ?? DBNull.Value;
            workload.Value = sample.Workload;
            observedAt.Value = sample.ObservedAt;
            results.Value = JsonSerializer.Serialize(sample.Results, GenieHiveJsonContext.Default.JsonObject);
            command.ExecuteNonQuery();
        }
    }
}
