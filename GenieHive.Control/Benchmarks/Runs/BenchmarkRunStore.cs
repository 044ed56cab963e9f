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
/// Benchmark runs: in memory (served from there) and in the <c>benchmark_runs</c> table, one JSON row per run,
/// rewritten on every change. Each write serializes the run as it is when the write runs (under the database's
/// writer lock), so the row always converges on memory whatever order concurrent updates finish in.
/// </summary>
public sealed class BenchmarkRunStore(ControlDatabase database, IOptions<BenchmarksOptions> options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, BenchmarkRun> _runs = new(StringComparer.Ordinal);

    /// <summary>
    /// Reads every stored run. Queued runs wait for the benchmarker as before; running ones keep their lease, so the
    /// benchmarker measuring them carries on once Control is back (or their lease runs out). Returns the ids of the
    /// runs that were running.
    /// </summary>
    public IReadOnlyList<string> Load()
    {
        var stored = database.Read(LoadAll);
        lock (_gate)
        {
            foreach (var run in stored)
            {
                _runs[run.Id] = run;
            }
        }

        return [.. stored.Where(run => run.Status == BenchmarkRunStatuses.Running).Select(run => run.Id)];
    }

    public BenchmarkRun? Get(string id)
    {
        lock (_gate)
        {
            return _runs.GetValueOrDefault(id);
        }
    }

    /// <summary>Runs newest first (then by id), optionally of one status, at most <paramref name="limit"/>.</summary>
    public List<BenchmarkRun> List(string? status, int limit)
    {
        lock (_gate)
        {
            return [.. _runs.Values
                .Where(run => status is null || string.Equals(run.Status, status, StringComparison.Ordinal))
                .OrderByDescending(run => run.CreatedAt)
                .ThenByDescending(run => run.Id, StringComparer.Ordinal)
                .Take(limit)];
        }
    }

    /// <summary>The runs matching <paramref name="predicate"/>, in no particular order.</summary>
    public List<BenchmarkRun> Where(Func<BenchmarkRun, bool> predicate)
    {
        lock (_gate)
        {
            return [.. _runs.Values.Where(predicate)];
        }
    }

    /// <summary>
    /// Takes the oldest queued run (by creation time, then id) and stores it as <paramref name="claimed"/> makes it,
    /// in one step, so two claims never get the same run. Null when nothing is queued.
    /// </summary>
    public async Task<BenchmarkRun?> ClaimOldestQueuedAsync(Func<BenchmarkRun, BenchmarkRun> claimed, CancellationToken cancellationToken)
    {
        BenchmarkRun? run;
        lock (_gate)
        {
            var oldest = _runs.Values
                .Where(r => r.Status == BenchmarkRunStatuses.Queued)
                .OrderBy(r => r.CreatedAt)
                .ThenBy(r => r.Id, StringComparer.Ordinal)
                .FirstOrDefault();
            if (oldest is null)
            {
                return null;
            }

            run = claimed(oldest);
            _runs[run.Id] = run;
        }

        await database.WriteAsync((connection, transaction) => Persist(connection, transaction, run.Id), cancellationToken);
        return run;
    }

    /// <summary>The newest run matching <paramref name="predicate"/>, or null.</summary>
    public BenchmarkRun? Latest(Func<BenchmarkRun, bool> predicate)
    {
        lock (_gate)
        {
            return _runs.Values.Where(predicate).MaxBy(run => (run.CreatedAt, run.Id));
        }
    }

    /// <summary>
    /// Stores a new run, and deletes the oldest finished runs beyond <c>KeepRuns</c>; fenced by <paramref name="term"/>
    /// when given (<see cref="LeaderFence"/>).
    /// </summary>
    public async Task AddAsync(BenchmarkRun run, CancellationToken cancellationToken, LeaderTerm? term = null)
    {
        List<string> pruned;
        lock (_gate)
        {
            _runs[run.Id] = run;
            var finished = _runs.Values.Where(r => BenchmarkRunStatuses.IsFinished(r.Status)).ToList();
            pruned = [.. finished
                .OrderByDescending(r => r.CreatedAt)
                .ThenByDescending(r => r.Id, StringComparer.Ordinal)
                .Skip(options.Value.KeepRuns)
                .Select(r => r.Id)];
            foreach (var id in pruned)
            {
                _runs.Remove(id);
            }
        }

        try
        {
            await database.WriteAsync(term, (connection, transaction) =>
            {
                Persist(connection, transaction, run.Id);
                foreach (var id in pruned)
                {
                    Delete(connection, transaction, id);
                }
            }, cancellationToken);
        }
        catch (LeadershipLostException)
        {
            // Refused, so never stored: a claim on this Control must not hand it out either.
            lock (_gate)
            {
                _runs.Remove(run.Id);
            }

            throw;
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the run (null from it means "leave it as it is") and stores the result.
    /// Returns the changed run, or null when the run is unknown or was left unchanged. Fenced by <paramref name="term"/>
    /// when given (<see cref="LeaderFence"/>).
    /// </summary>
    public async Task<BenchmarkRun?> UpdateAsync(
        string id, Func<BenchmarkRun, BenchmarkRun?> change, CancellationToken cancellationToken = default, LeaderTerm? term = null)
    {
        BenchmarkRun? changed;
        lock (_gate)
        {
            if (!_runs.TryGetValue(id, out var current) || (changed = change(current)) is null)
            {
                return null;
            }

            _runs[id] = changed;
        }

        await database.WriteAsync(term, (connection, transaction) => Persist(connection, transaction, id), cancellationToken);
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

    private void Persist(DbConnection connection, DbTransaction transaction, string id)
    {
        BenchmarkRun? run;
        lock (_gate)
        {
            run = _runs.GetValueOrDefault(id);
        }

        if (run is not null)
        {
            Upsert(connection, transaction, run);
        }
    }

    private static void Upsert(DbConnection connection, DbTransaction transaction, BenchmarkRun run)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO benchmark_runs (run_id, status, workload, created_at, run_json)
            VALUES (@run_id, @status, @workload, @created_at, @run_json)
            ON CONFLICT (run_id) DO UPDATE SET
                status = excluded.status, workload = excluded.workload, created_at = excluded.created_at, run_json = excluded.run_json;
            """;
        command.Add("@run_id", DbType.String, run.Id);
        command.Add("@status", DbType.String, run.Status);
        command.Add("@workload", DbType.String, run.Workload);
        command.Add("@created_at", DbType.Double, run.CreatedAt);
        command.Add("@run_json", DbType.String, JsonSerializer.Serialize(run, GenieHiveJsonContext.Default.BenchmarkRun));
        command.ExecuteNonQuery();
    }

    private static void Delete(DbConnection connection, DbTransaction transaction, string id)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM benchmark_runs WHERE run_id = @run_id;";
        command.Add("@run_id", DbType.String, id);
        command.ExecuteNonQuery();
    }

    private static List<BenchmarkRun> LoadAll(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT run_json FROM benchmark_runs;";
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
