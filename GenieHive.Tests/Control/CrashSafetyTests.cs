using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GenieHive.Contracts.Cluster;
using Microsoft.Data.Sqlite;
using static GenieHive.Tests.Control.ControlTestData;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Control;

/// <summary>Kill Control while it writes: what is in SQLite afterwards is whole, and Control starts on it.</summary>
[Collection(ControlProcessCollection.Name)]
public sealed class CrashSafetyTests
{
    private const int Hosts = 12;
    private const int ServicesPerHost = 25;
    private const int SamplesPerBatch = 40;

    [Fact]
    public async Task KillingControlMidWriteLeavesNoHalfWrittenRegistrationOrBatch()
    {
        var ct = TestContext.Current.CancellationToken;
        var databasePath = ControlFactory.NewDatabasePath();
        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        try
        {
            var completed = 0;
            await using (var control = await ControlProcess.StartAsync(databasePath))
            {
                using var client = control.CreateClient();
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var writers = Enumerable.Range(0, Hosts).Select(i => WriteUntilStoppedAsync(client, i, () => Interlocked.Increment(ref completed), stop.Token)).ToList();

                // Enough writes in flight to make the kill land mid-write; the test holds whatever number completed.
                await Eventually.WithinAsync(() => Task.FromResult(Volatile.Read(ref completed) >= 200), Eventually.Seconds(60));

                // Writers are mid-flight: pull the plug without a graceful stop.
                control.Kill();
                await stop.CancelAsync();
                await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(30), ct);
            }

            Assert.True(completed >= 200, $"only {completed} writes completed before the deadline");
            AssertWholeWrites(databasePath);

            await using var restarted = await ControlProcess.StartAsync(databasePath);
            using var restartedClient = restarted.CreateClient();
            var hosts = await restartedClient.GetFromJsonAsync("/v1/cluster/hosts", Json.ListResponseHostView, ct);
            Assert.Equal(Hosts, hosts!.Data.Count);
            Assert.All(hosts.Data, host => Assert.Equal(ServicesPerHost, host.ServiceCount));
        }
        finally
        {
            ControlFactory.DeleteDatabase(databasePath);
        }
    }

    /// <summary>
    /// Register (all services replaced), heartbeat with services (replaced again, written by the batched flush)
    /// and ingest a benchmark batch, over and over; every write stamps one generation on everything it writes.
    /// </summary>
    private static async Task WriteUntilStoppedAsync(HttpClient client, int host, Action completed, CancellationToken stop)
    {
        var hostId = $"crash-{host:D2}";
        for (var generation = 0; !stop.IsCancellationRequested; generation++)
        {
            try
            {
                var services = Enumerable.Range(0, ServicesPerHost)
                    .Select(s => Service($"{hostId}-s{s:D2}", asset: $"gen-{generation}", queueDepth: generation))
                    .ToArray();
                using var response = generation % 3 == 2
                    ? await client.PostAsJsonAsync("/v1/nodes/heartbeat", Heartbeat(hostId, services), Json.NodeHeartbeat, stop)
                    : await client.PostAsJsonAsync("/v1/nodes/register", Host(hostId, services) with { Labels = new() { ["gen"] = $"{generation}" } }, Json.HostRegistration, stop);
                var batch = new BenchmarkIngest
                {
                    Samples = [.. Enumerable.Range(0, SamplesPerBatch).Select(n => new BenchmarkSample
                    {
                        BenchmarkId = $"{hostId}-b{generation}-{n:D2}",
                        ServiceId = $"{hostId}-s00",
                        Workload = $"batch-{hostId}-{generation}",
                        ObservedAt = generation,
                        Results = new JsonObject { ["quality_score"] = 0.5 },
                    })],
                };
                using var ingest = await client.PostAsJsonAsync("/v1/cluster/benchmarks", batch, Json.BenchmarkIngest, stop);
                completed();
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
            {
                // The process is gone (or going): that is the point of the test.
                return;
            }
        }
    }

    private static void AssertWholeWrites(string databasePath)
    {
        using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        using (var check = connection.CreateCommand())
        {
            check.CommandText = "PRAGMA integrity_check;";
            Assert.Equal("ok", check.ExecuteScalar());
        }

        using (var services = connection.CreateCommand())
        {
            services.CommandText = """
                SELECT h.host_id, COUNT(s.service_id), COUNT(DISTINCT s.assets_json)
                FROM hosts h LEFT JOIN services s ON s.host_id = h.host_id GROUP BY h.host_id;
                """;
            using var reader = services.ExecuteReader();
            var rows = 0;
            while (reader.Read())
            {
                rows++;
                Assert.Equal(ServicesPerHost, reader.GetInt32(1));
                Assert.Equal(1, reader.GetInt32(2));
            }

            Assert.Equal(Hosts, rows);
        }

        using var batches = connection.CreateCommand();
        batches.CommandText = "SELECT workload, COUNT(*) FROM benchmark_samples GROUP BY workload;";
        using var batchReader = batches.ExecuteReader();
        while (batchReader.Read())
        {
            Assert.Equal(SamplesPerBatch, batchReader.GetInt32(1));
        }
    }
}
