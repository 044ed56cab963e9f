using GenieHive.Contracts.Observations;
using GenieHive.Control.Storage;
using static GenieHive.Tests.Control.ControlTestData;

namespace GenieHive.Tests.Control.Storage;

/// <summary>Facades report to whichever Control replica they reach: on PostgreSQL every replica merges every facade.</summary>
public sealed class ReplicaObservationTests
{
    private const string ServiceId = "replica-obs-a";

    [Fact]
    public async Task ObservationsSentToDifferentReplicasAddUpInEveryReplicasServicesAndRoutingTable()
    {
        await using var storage = await TestStorage.CreateAsync(StorageProviders.Postgres);
        await using var first = new ControlFactory(settings: storage.Settings);
        using var firstClient = first.CreateClient();
        await firstClient.RegisterOkAsync(Host("replica-obs-host", Service(ServiceId)));
        // Started after the registration, so it reads the service from the database.
        await using var second = new ControlFactory(settings: storage.Settings);
        using var secondClient = second.CreateClient();

        await ReportOkAsync(firstClient, "facade-1", requests: 10, errors: 1, inFlight: 2, p50: 300);
        await ReportOkAsync(secondClient, "facade-2", requests: 40, errors: 3, inFlight: 3, p50: 700);

        foreach (var client in new[] { firstClient, secondClient })
        {
            var services = await EventuallyAsync(client.ServicesAsync, list => Measured(list)?.Requests == 50);
            var measured = Measured(services)!;
            Assert.Equal(4, measured.Errors);
            Assert.Equal(5, measured.InFlight);
            Assert.Equal(700, measured.P50LatencyMs);

            var table = await EventuallyAsync(client.RoutingTableAsync, t => t.Services.Single(s => s.ServiceId == ServiceId).Measured?.Requests == 50);
            Assert.Equal(5, table.Services.Single(s => s.ServiceId == ServiceId).Measured!.InFlight);
        }

        // facade-1 moves to the other replica: its newer report replaces its older one on both, it is not added to it.
        await ReportOkAsync(secondClient, "facade-1", requests: 12, errors: 1, inFlight: 0, p50: 300);

        foreach (var client in new[] { firstClient, secondClient })
        {
            var measured = Measured(await EventuallyAsync(client.ServicesAsync, list => Measured(list)?.Requests == 52))!;
            Assert.Equal(3, measured.InFlight);
        }
    }

    private static Contracts.Cluster.ServiceMeasurements? Measured(List<Contracts.Cluster.ServiceView> services) =>
        services.Single(s => s.ServiceId == ServiceId).Measured;

    private static async Task ReportOkAsync(HttpClient client, string facade, long requests, long errors, int inFlight, double p50)
    {
        using var response = await client.ReportAsync(new ObservationReport
        {
            ReporterId = facade,
            Services = [new ServiceObservation { ServiceId = ServiceId, Requests = requests, Errors = errors, InFlight = inFlight, P50LatencyMs = p50 }],
        });
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }
}
