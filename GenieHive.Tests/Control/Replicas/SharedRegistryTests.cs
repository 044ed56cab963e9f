using System.Diagnostics;
using System.Net;
using GenieHive.Contracts.Cluster;
using GenieHive.Control.Routing;
using GenieHive.Control.Storage;
using GenieHive.Tests.Control.Storage;
using GenieHive.Tests.Testing;
using Npgsql;
using static GenieHive.Tests.Control.ControlTestData;

namespace GenieHive.Tests.Control.Replicas;

/// <summary>
/// Two Control replicas in process on one real PostgreSQL share the registry: what one is told (a registration, a
/// heartbeat) the other lists, routes and keeps fresh, and one service is never given to two hosts. Timed, so they
/// run with the other timings, alone.
/// </summary>
[Collection(ControlProcessCollection.Name)]
public sealed class SharedRegistryTests
{
    [Fact]
    public async Task AHostRegisteredOnOneReplicaIsListedAndRoutedByTheOtherWithinASecond()
    {
        await using var replicas = await TwoReplicas.StartAsync();
        var (a, b) = (replicas.First, replicas.Second);
        var before = (await b.RoutingTableAsync()).Version;

        var clock = Stopwatch.StartNew();
        await a.RegisterOkAsync(Host("shared-host", Service("shared-chat")));
        var table = await Eventually.ValueAsync(
            b.RoutingTableAsync, table => table.Services.Any(service => service.ServiceId == "shared-chat"),
            "the other replica's routing table to route the service", TimeSpan.FromSeconds(5));
        var visibleAfter = clock.Elapsed;

        TestContext.Current.TestOutputHelper?.WriteLine($"Registration visible on the other replica after {visibleAfter.TotalMilliseconds:F0} ms");
        Assert.True(visibleAfter < Eventually.Seconds(1), $"the other replica routed the registration after {visibleAfter.TotalMilliseconds:F0} ms");
        Assert.True(table.Version > before, $"version {table.Version}, before {before}");
        Assert.True(Assert.Single(table.Services, service => service.ServiceId == "shared-chat").Routable);
        var host = Assert.Single(await b.HostsAsync(), host => host.HostId == "shared-host");
        Assert.False(host.Status.Stale);
        Assert.Equal("shared-host", Assert.Single(await b.ServicesAsync()).HostId);
        using var beat = await b.HeartbeatAsync(Heartbeat("shared-host"));
        Assert.Equal(HttpStatusCode.OK, beat.StatusCode);
    }

    [Fact]
    public async Task HeartbeatsSentOnlyToOneReplicaKeepTheHostFreshOnTheOtherPastTheHostTimeout()
    {
        const int timeoutSeconds = 2;
        await using var replicas = await TwoReplicas.StartAsync(new Dictionary<string, string?>
        {
            [$"{RoutingOptions.SectionName}:HostTimeoutSeconds"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var (a, b) = (replicas.First, replicas.Second);
        await a.RegisterOkAsync(Host("beating-host", Service("beating-chat")));
        await Eventually.UntilAsync(async () => (await b.HostsAsync()).Any(host => host.HostId == "beating-host"), "the other replica to know the host", TimeSpan.FromSeconds(5));
        var registeredAt = Assert.Single(await a.HostsAsync()).Status.LastSeen;

        // The node agent moved to the second replica: every heartbeat goes there, for three host timeouts.
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        var beating = Stopwatch.StartNew();
        HostView seenByFirst;
        do
        {
            using (var beat = await b.HeartbeatAsync(Heartbeat("beating-host")))
            {
                Assert.Equal(HttpStatusCode.OK, beat.StatusCode);
            }

            seenByFirst = Assert.Single(await a.HostsAsync());
            Assert.False(seenByFirst.Status.Stale, $"the first replica shows the host stale after {beating.Elapsed.TotalSeconds:F1} s of heartbeats to the second");
            Assert.Contains(
                (await a.RoutingTableAsync()).Services, service => service.ServiceId == "beating-chat" && service.Routable && !service.HostStale);
        }
        while (beating.Elapsed < TimeSpan.FromSeconds(3 * timeoutSeconds) && await pace.WaitForNextTickAsync(TestContext.Current.CancellationToken));

        Assert.True(seenByFirst.Status.LastSeen > registeredAt + timeoutSeconds, $"last seen {seenByFirst.Status.LastSeen}, registered {registeredAt}");

        // Silence: both replicas see it go stale, from the same last heartbeat.
        var stale = await Eventually.ValueAsync(a.HostsAsync, hosts => hosts.Single().Status.Stale, "the first replica to see the silent host stale", TimeSpan.FromSeconds(10));
        var staleOnSecond = await Eventually.ValueAsync(b.HostsAsync, hosts => hosts.Single().Status.Stale, "the second replica to see the silent host stale", TimeSpan.FromSeconds(10));
        Assert.Equal(staleOnSecond.Single().Status.LastSeen, stale.Single().Status.LastSeen);
    }

    [Fact]
    public async Task TheSameServiceRegisteredOnTwoReplicasAtOnceGoesToOneHostAndTheOtherIsRefused()
    {
        await using var replicas = await TwoReplicas.StartAsync();
        var (a, b) = (replicas.First, replicas.Second);
        await Task.WhenAll(a.HealthAsync(), b.HealthAsync());

        for (var round = 0; round < 5; round++)
        {
            var serviceId = $"contested-{round}";
            var hosts = new[] { $"contender-a-{round}", $"contender-b-{round}" };
            using var start = new Barrier(2);
            var answers = await Task.WhenAll(new[] { a, b }.Select((client, i) => Task.Run(async () =>
            {
                start.SignalAndWait(TestContext.Current.CancellationToken);
                using var response = await client.RegisterAsync(Host(hosts[i], Service(serviceId)));
                return response.StatusCode;
            }, TestContext.Current.CancellationToken)));

            await AssertOneOwnerAsync(replicas, serviceId, hosts, answers);
        }
    }

    [Fact]
    public async Task TheSameServiceAddedByHeartbeatsOnTwoReplicasAtOnceGoesToOneHostAndTheOtherIsRefused()
    {
        // A node agent reports a service it started in its next heartbeat, not in a new registration: the same
        // decision as registering it, and so in the database too, since neither replica may know the other's host yet.
        await using var replicas = await TwoReplicas.StartAsync();
        var (a, b) = (replicas.First, replicas.Second);
        await Task.WhenAll(a.HealthAsync(), b.HealthAsync());

        for (var round = 0; round < 5; round++)
        {
            var serviceId = $"hb-contested-{round}";
            var hosts = new[] { $"hb-contender-a-{round}", $"hb-contender-b-{round}" };
            var clients = new[] { a, b };
            for (var i = 0; i < 2; i++)
            {
                await clients[i].RegisterOkAsync(Host(hosts[i], Service(hosts[i] + "-own")));
            }

            using var start = new Barrier(2);
            var answers = await Task.WhenAll(clients.Select((client, i) => Task.Run(async () =>
            {
                start.SignalAndWait(TestContext.Current.CancellationToken);
                using var response = await client.HeartbeatAsync(Heartbeat(hosts[i], Service(hosts[i] + "-own"), Service(serviceId)));
                return response.StatusCode;
            }, TestContext.Current.CancellationToken)));

            await AssertOneOwnerAsync(replicas, serviceId, hosts, answers);
        }
    }

    /// <summary>Of two contenders for <paramref name="serviceId"/>, one was accepted and one refused, and the database and both replicas agree on the winner.</summary>
    private static async Task AssertOneOwnerAsync(TwoReplicas replicas, string serviceId, string[] hosts, HttpStatusCode[] answers)
    {
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Order());
        var winner = hosts[Array.IndexOf(answers, HttpStatusCode.OK)];
        Assert.Equal(winner, await OwnerInDatabaseAsync(replicas.Storage, serviceId));
        foreach (var client in new[] { replicas.First, replicas.Second })
        {
            var services = await Eventually.ValueAsync(
                client.ServicesAsync, services => services.Any(service => service.ServiceId == serviceId),
                "both replicas to list the contested service", TimeSpan.FromSeconds(5));
            Assert.Equal(winner, Assert.Single(services, service => service.ServiceId == serviceId).HostId);
        }
    }

    private static async Task<string?> OwnerInDatabaseAsync(TestStorage storage, string serviceId)
    {
        await using var connection = new NpgsqlConnection(storage.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT host_id FROM services WHERE service_id = @id;", connection);
        command.Parameters.AddWithValue("id", serviceId);
        return (string?)await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }
}
