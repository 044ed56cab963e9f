using System.Data;
using System.Data.Common;
using System.Text.Json;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Control.Leadership;
using GenieHive.Control.Storage;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Benchmarks.Runs;

/// <summary>
/// Benchmark runs, in the <c>benchmark_runs</c> table, one JSON row per run: the store is the truth, read on every call,
/// so that every Control replica on one database serves the same runs and any of them takes the benchmarker's reports.
/// A change is read, applied and written back in one transaction that first locks the run's row (an UPDATE that
/// changes nothing: on PostgreSQL a concurrent change of the same run waits for it and then reads its result; SQLite
/// has one writer anyway), so concurrent changes queue up and none is lost, and two claims never get the same run.
/// </summary>
public sealed class BenchmarkRunStore(ControlDatabase database, IOptions<BenchmarksOptions> options)
{
    /// <summary>Reads every stored run and returns the ids of the running ones (their benchmarker carries on once it reaches Control).</summary>
    public IReadOnlyList<string> Load() =>
        [.. database.Read(connection => Select(connection, null, "WHERE status = @status", "@status", BenchmarkRunStatuses.Running)).Select(run => run.Id)];

    public BenchmarkRun? Get(string id) =>
        database.Read(connection => Select(connection, null, "WHERE run_id = @id", "@id", id)).SingleOrDefault();

    /// <summary>Runs newest first (then by id), optionally of one status, at most <paramref name="limit"/>.</summary>
    public List<BenchmarkRun> List(string? status, int limit) =>
        [.. database.Read(connection => status is null ? Select(connection, null, "") : Select(connection, null, "WHERE status = @status", "@status", status))
            .OrderByDescending(run => run.CreatedAt)
            .ThenByDescending(run => run.Id, StringComparer.Ordinal)
            .Take(limit)];

    /// <summary>
    /// Takes the oldest queued run (by creation time, then id) and stores it as <paramref name="claimed"/> makes it,
    /// in one step, so two claims never get the same run. Null when nothing is queued.
    /// </summary>
    public async Task<BenchmarkRun?> ClaimOldestQueuedAsync(Func<BenchmarkRun, BenchmarkRun> claimed, CancellationToken cancellationToken)
    {
        BenchmarkRun? run = null;
        await database.WriteAsync((connection, transaction) =>
        {
            // A claim of another Control may take the oldest between the look and the lock: then look again.
            while (Select(connection, transaction, "WHERE status = @status ORDER BY created_at, run_id LIMIT 1", "@status", BenchmarkRunStatuses.Queued) is [var oldest])
            {
                if (Lock(connection, transaction, oldest.Id, BenchmarkRunStatuses.Queued))
                {
                    run = claimed(oldest);
                    Upsert(connection, transaction, run);
                    return;
                }
            }
        }, cancellationToken);
        return run;
    }

    /// <summary>
    /// Stores a new run, and deletes the oldest finished runs beyond <c>KeepRuns</c>; fenced by <paramref name="term"/>
    /// when given (<see cref="LeaderFence"/>).
    /// </summary>
    public Task AddAsync(BenchmarkRun run, CancellationToken cancellationToken, LeaderTerm? term = null) =>
        database.WriteAsync(term, (connection, transaction) =>
        {
            Upsert(connection, transaction, run);
            using var finished = connection.Command(transaction,
                "SELECT run_id FROM benchmark_runs WHERE status NOT IN (@queued, @running) ORDER BY created_at DESC, run_id DESC;");
            finished.Add("@queued", DbType.String, BenchmarkRunStatuses.Queued);
            finished.Add("@running", DbType.String, BenchmarkRunStatuses.Running);
            var pruned = new List<string>();
            using (var reader = finished.ExecuteReader())
            {
                for (var kept = 0; reader.Read(); kept++)
                {
                    if (kept >= options.Value.KeepRuns)
                    {
                        pruned.Add(reader.GetString(0));
                    }
                }
            }

            using var delete = connection.Command(transaction, "DELETE FROM benchmark_runs WHERE run_id = @id;");
            var id = delete.Add("@id", DbType.String);
            foreach (var old in pruned)
            {
                id.Value = old;
                delete.ExecuteNonQuery();
            }
        }, cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> to the run (null from it means "leave it as it is") and stores the result.
    /// Returns the changed run, or null when the run is unknown or was left unchanged. Fenced by <paramref name="term"/>
    /// when given (<see cref="LeaderFence"/>).
    /// </summary>
    public async Task<BenchmarkRun?> UpdateAsync(
        string id, Func<BenchmarkRun, BenchmarkRun?> change, CancellationToken cancellationToken = default, LeaderTerm? term = null)
    {
        BenchmarkRun? changed = null;
        await database.WriteAsync(term, (connection, transaction) =>
        {
            if (Lock(connection, transaction, id, status: null)
                && Select(connection, transaction, "WHERE run_id = @id", "@id", id) is [var current]
                && (changed = change(current)) is not null)
            {
                Upsert(connection, transaction, changed);
            }
        }, cancellationToken);
        return changed;
    }

    /// <summary>Applies <paramref name="change"/> to one target of a run and stores the run.</summary>
    public Task<BenchmarkRun?> UpdateTargetAsync(
        string id, string serviceId, Func<BenchmarkRunTarget, BenchmarkRunTarget> change, CancellationToken cancellationToken = default) =>
        UpdateAsync(id, run => run with
        {
            Targets = [.. run.Targets.Select(target =>
                string.Equals(target.ServiceId, serviceId, StringComparison.Ordinal) ? change(target) : target)],
        }, cancellationToken);

    /// <summary>Locks the run's row until the transaction ends; false when there is none (of <paramref name="status"/>, when given).</summary>
    private static bool Lock(DbConnection connection, DbTransaction transaction, string id, string? status)
    {
        using var command = connection.Command(transaction,
            "UPDATE benchmark_runs SET status = status WHERE run_id = @id" + (status is null ? ";" : " AND status = @status;"));
        command.Add("@id", DbType.String, id);
        if (status is not null)
        {
            command.Add("@status", DbType.String, status);
        }

        return command.ExecuteNonQuery() == 1;
    }

    private static void Upsert(DbConnection connection, DbTransaction transaction, BenchmarkRun run)
    {
        using var command = connection.Command(transaction, """
            INSERT INTO benchmark_runs (run_id, status, workload, created_at, run_json)
            VALUES (@run_id, @status, @workload, @created_at, @run_json)
            ON CONFLICT (run_id) DO UPDATE SET
                status = excluded.status, workload = excluded.workload, created_at = excluded.created_at, run_json = excluded.run_json;
            """);
        command.Add("@run_id", DbType.String, run.Id);
        command.Add("@status", DbType.String, run.Status);
        command.Add("@workload", DbType.String, run.Workload);
        command.Add("@created_at", DbType.Double, run.CreatedAt);
        command.Add("@run_json", DbType.String, JsonSerializer.Serialize(run, GenieHiveJsonContext.Default.BenchmarkRun));
        command.ExecuteNonQuery();
    }

    /// <summary>The runs <paramref name="where"/> selects, with its one parameter (if any) <paramref name="name"/> set to <paramref name="value"/>.</summary>
    private static List<BenchmarkRun> Select(DbConnection connection, DbTransaction? transaction, string where, string? name = null, string? value = null)
    {
        using var command = connection.Command(transaction, "SELECT run_json FROM benchmark_runs " + where + ";");
        if (name is not null)
        {
            command.Add(name, DbType.String, value);
        }

        using var reader = command.ExecuteReader();
        var runs = new List<BenchmarkRun>();
        while (reader.Read())
        {
            if (StoredJson.Read(reader.GetValue(0), GenieHiveJsonContext.Default.BenchmarkRun) is { } run)
            {
                foreach (var target in run.Targets)
                {
                    StoredJson.Freeze(target.Results);
                }

                runs.Add(run);
            }
        }

        return runs;
    }
}
