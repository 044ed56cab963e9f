using System.Diagnostics;
using System.Net;
using GenieHive.Control.Http;
using GenieHive.Control.Storage;
using GenieHive.Tests.Control.Storage;
using GenieHive.Tests.Scenarios.Cluster;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Scenarios;

/// <summary>
/// Issue 17's "PostgreSQL restarted": Control on a real PostgreSQL of the test's own, stopped as an operator's restart
/// stops it and started again. The facade routes from its own table meanwhile; Control reconnects, takes the
/// leadership again and writes registrations and heartbeats as before. While the database is down, a write Control
/// cannot make answers 503 <c>storage_unavailable</c>.
/// </summary>
[Collection(ScenarioCollection.Name)]
public sealed class PostgresRestartTests(ITestOutputHelper output)
{
    private const string Model = "pg-restart-chat";

    [Fact]
    public async Task ControlRidesOutAPostgresRestartWhileTheFacadeKeepsRoutingFromItsTable()
    {
        Assert.SkipWhen(PostgresServer.SkipReason is not null, PostgresServer.SkipReason ?? "");
        var ct = TestContext.Current.CancellationToken;
        var server = await PostgresServer.StartOwnAsync();
        var options = new ClusterOptions
        {
            // Longer than the outage: a host must not go stale because its heartbeats could not be written for a while.
            HostTimeoutSeconds = 30,
            ControlSettings = new Dictionary<string, string?>
            {
                [$"{StorageOptions.SectionName}:Provider"] = StorageProviders.Postgres,
                [$"ConnectionStrings:{StorageOptions.ConnectionStringName}"] = await server.CreateDatabaseAsync(),
            },
        };
        await using var cluster = await TestCluster.StartAsync(options);
        var simA = cluster.StartSimulator("a", Model);
        await cluster.StartAgentAsync("pg-host-a", new ServiceSpec("pg-chat-a", simA.BaseAddress, Model));
        await cluster.WaitForTargetsAsync(Model, "pg-chat-a");
        var epochBefore = (await cluster.Cluster.HealthAsync()).Leadership?.Epoch;

        await server.StopAsync();
        var clock = Stopwatch.StartNew();
        var whileDown = new List<ChatOutcome>();
        while (clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            whileDown.Add(await Chat.SendAsync(cluster.FacadeClient, Model, clock, ct));
        }

        // Control itself says what is wrong, in its own shape, instead of a 500: the request was fine; retry shortly.
        using (var refused = await Registrations.SendAsync(cluster.Control.Url, Registrations.Host("pg-host-early")))
        {
            var problem = await refused.Content.ReadAsStringAsync(ct);
            Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)refused.StatusCode} {problem}");
            Assert.Contains(StorageUnavailableHandler.Code, problem, StringComparison.Ordinal);
            Assert.NotNull(refused.Headers.RetryAfter);
        }

        await server.StartAgainAsync();
        output.WriteLine($"{whileDown.Count} requests while PostgreSQL was down, {whileDown.Count(o => !o.Succeeded)} failed");
        Assert.All(whileDown, outcome => Assert.True(outcome.Succeeded, outcome.ToString()));

        // A host registering after the restart is routed (Control writes again), beside the first one.
        var simB = cluster.StartSimulator("b", Model);
        await cluster.StartAgentAsync("pg-host-b", new ServiceSpec("pg-chat-b", simB.BaseAddress, Model));
        await cluster.WaitForTargetsAsync(Model, "pg-chat-a", "pg-chat-b");

        // The leadership lock died with its session; Control campaigns again and leads at a higher epoch.
        await Eventually.UntilAsync(
            async () => (await cluster.Cluster.HealthAsync()).Leadership is { Leader: true, Epoch: var epoch } && epoch > epochBefore,
            "Control to lead again at a higher epoch than " + epochBefore,
            TimeSpan.FromSeconds(20),
            () => cluster.Logs.Tail());
        var health = await cluster.Cluster.HealthAsync();
        Assert.Empty(health.StaleHosts);
        var after = await Chat.SendAsync(cluster.FacadeClient, Model, clock, ct);
        Assert.True(after.Succeeded, after.ToString());
    }
}
