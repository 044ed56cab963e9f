using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Control.Benchmarks.Workloads;
using GenieHive.Tests.Control;
using Microsoft.Extensions.Options;
using static GenieHive.Tests.Control.ControlTestData;

namespace GenieHive.Tests.Benchmarks;

/// <summary>The benchmarker as a service of its own: its settings, and runs that outlive a restart of Control.</summary>
public sealed class BenchmarkerTests
{
    private static readonly GenieHiveJsonContext Json = GenieHiveJsonContext.Default;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void TheBenchmarkerRefusesToStartWithAnInvalidFacadeUrl()
    {
        // When start-up fails, the test server sometimes loses the race with the failing host and reports only that the
        // host was disposed (FacadeHost.StartFailureAsync reads the logs for the same reason): a few tries for the reason.
        Exception? error = null;
        for (var tries = 0; tries < 5 && Unwrap(error = Record.Exception(() => BenchmarkerApp.Start("http://127.0.0.1:9", "not a url"))) is ObjectDisposedException; tries++)
        {
        }

        var invalid = Assert.IsType<OptionsValidationException>(Unwrap(error));
        Assert.Contains("GenieHive:Benchmarker:FacadeUrl", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARunningRunCarriesOnAcrossARestartOfControl()
    {
        await using var facade = await StandInFacade.StartAsync(holdEmbeddings: true);
        var databasePath = ControlFactory.NewDatabasePath();
        var port = FreePort();
        try
        {
            string runId;
            var first = ControlFactory.StartOnPort(port, databasePath, keepDatabase: true);
            // The benchmarker outlives this Control: it follows services:control:http:0, which the next one takes over.
            await using var benchmarker = BenchmarkerApp.Start(first.Url, facade.Url);
            await using (first)
            {
                using var client = first.CreateClient();
                await client.RegisterOkAsync(Host("survive-host", Service("survive-embed", ServiceKinds.Embeddings, "sim-embed")));
                runId = (await client.StartRunAsync(new BenchmarkRunRequest { Workload = BuiltInWorkloads.EmbeddingsSimilarity, ServiceId = "survive-embed" })).Id;
                await EventuallyAsync(() => client.GetRunAsync(runId), r => r.Targets.Single().Status == BenchmarkRunStatuses.Running && facade.EmbeddingRequests > 0, seconds: 20);
            }

            await using var second = ControlFactory.StartOnPort(port, databasePath);
            using var restarted = second.CreateClient();
            var resumed = await restarted.GetRunAsync(runId);
            facade.ReleaseEmbeddings();
            var finished = await EventuallyAsync(() => restarted.GetRunAsync(runId), r => BenchmarkRunStatuses.IsFinished(r.Status), seconds: 30);

            Assert.Equal(BenchmarkRunStatuses.Running, resumed.Status);
            Assert.Equal(BenchmarkRunStatuses.Completed, finished.Status);
            var target = finished.Targets.Single();
            Assert.Equal(3, target.CasesDone);
            Assert.Equal(1.0, target.Results![BenchmarkResultFields.PassRate]!.GetValue<double>());
            var samples = (await restarted.GetFromJsonAsync("/v1/cluster/benchmarks?service_id=survive-embed", Json.ListResponseBenchmarkSample, Ct))!.Data;
            Assert.Equal(target.BenchmarkId, Assert.Single(samples).BenchmarkId);
        }
        finally
        {
            ControlFactory.DeleteDatabase(databasePath);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Exception? Unwrap(Exception? error)
    {
        while (error is AggregateException or InvalidOperationException { InnerException: not null } && error.InnerException is { } inner)
        {
            error = inner;
        }

        return error;
    }
}
