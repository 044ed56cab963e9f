using System.Net;
using GenieHive.Contracts;
using GenieHive.Contracts.Observations;
using Microsoft.Extensions.Time.Testing;
using static GenieHive.Tests.Control.ControlTestData;

namespace GenieHive.Tests.Control;

/// <summary>What facades measure reaches <c>/v1/cluster/services</c> and the routing table.</summary>
public sealed class ObservationTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = ControlFactory.NewClock();
    private readonly ControlFactory _factory;
    private HttpClient _client = null!;

    public ObservationTests()
    {
        // Hosts stay fresh for the whole test: these tests move the clock for observations, not for staleness.
        _factory = new ControlFactory(
            settings: new Dictionary<string, string?> { ["GenieHive:Routing:HostTimeoutSeconds"] = "3600" },
            time: _clock);
    }

    private double Now => _clock.UnixSeconds();

    public async ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        await _client.RegisterOkAsync(Host("obs-host", Service("obs-a"), Service("obs-b")));
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private static ServiceObservation Observation(string serviceId, long requests, double p50, int inFlight = 0) => new()
    {
        ServiceId = serviceId,
        Requests = requests,
        Errors = 1,
        P50LatencyMs = p50,
        P95LatencyMs = p50 * 2,
        TtftMs = p50 / 4,
        TokensPerSec = 55,
        InFlight = inFlight,
    };

    [Fact]
    public async Task ObservationsAppearAsMeasuredMergedAcrossFacades()
    {
        using var first = await _client.ReportAsync(new ObservationReport { ReporterId = "facade-1", Services = [Observation("obs-a", requests: 10, p50: 300, inFlight: 2)] });
        using var second = await _client.ReportAsync(new ObservationReport { ReporterId = "facade-2", Services = [Observation("obs-a", requests: 40, p50: 700, inFlight: 3)] });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("ok", (await first.JsonAsync())["status"]!.GetValue<string>());
        var measured = (await _client.ServicesAsync()).Single(s => s.ServiceId == "obs-a").Measured!;
        Assert.Equal(50, measured.Requests);
        Assert.Equal(2, measured.Errors);
        Assert.Equal(5, measured.InFlight);
        Assert.Equal(700, measured.P50LatencyMs);
        Assert.Equal(1400, measured.P95LatencyMs);
        Assert.Equal(55, measured.TokensPerSec);
        Assert.Equal(Now, measured.ObservedAt, 3);
        Assert.Null((await _client.ServicesAsync()).Single(s => s.ServiceId == "obs-b").Measured);

        var table = await _client.RoutingTableAsync();
        Assert.Equal(700, table.Services.Single(s => s.ServiceId == "obs-a").Measured!.P50LatencyMs);
    }

    [Fact]
    public async Task TheLatestReportOfAFacadeReplacesItsEarlierOne()
    {
        await _client.ReportAsync(new ObservationReport { ReporterId = "facade-1", Services = [Observation("obs-a", requests: 10, p50: 300)] });
        await _client.ReportAsync(new ObservationReport { ReporterId = "facade-1", Services = [Observation("obs-a", requests: 12, p50: 450)] });

        var measured = (await _client.ServicesAsync()).Single(s => s.ServiceId == "obs-a").Measured!;
        Assert.Equal(12, measured.Requests);
        Assert.Equal(450, measured.P50LatencyMs);
    }

    [Fact]
    public async Task ACooldownShowsInServicesAndTheTableAndEndsOnTime()
    {
        var before = (await _client.HealthAsync()).RoutingVersion;
        var report = new ObservationReport
        {
            ReporterId = "facade-1",
            Services = [new ServiceObservation { ServiceId = "obs-b", Errors = 3, CooldownUntil = Now + 30, CooldownReason = "connect_failed", ConsecutiveFailures = 3 }],
        };

        await _client.ReportAsync(report);

        var cooling = (await _client.ServicesAsync()).Single(s => s.ServiceId == "obs-b");
        Assert.NotNull(cooling.Cooldown);
        Assert.Equal("connect_failed", cooling.Cooldown.Reason);
        Assert.Equal(3, cooling.Cooldown.ConsecutiveFailures);
        Assert.Equal(Now + 30, cooling.Cooldown.Until, 3);
        Assert.False(cooling.Routable);
        var health = await _client.HealthAsync();
        Assert.Equal(1, health.CoolingDownServiceCount);
        Assert.True(health.RoutingVersion > before);
        Assert.NotNull((await _client.RoutingTableAsync()).Services.Single(s => s.ServiceId == "obs-b").Cooldown);

        _clock.Advance(TimeSpan.FromSeconds(31));

        var after = await EventuallyAsync(_client.HealthAsync, h => h.RoutingVersion > health.RoutingVersion);
        Assert.Equal(0, after.CoolingDownServiceCount);
        Assert.True(after.RoutingVersion > health.RoutingVersion);
        var recovered = (await _client.ServicesAsync()).Single(s => s.ServiceId == "obs-b");
        Assert.Null(recovered.Cooldown);
        Assert.True(recovered.Routable);
    }

    [Fact]
    public async Task MeasurementsOlderThanAFewMinutesAreDropped()
    {
        await _client.ReportAsync(new ObservationReport { ReporterId = "facade-1", Services = [Observation("obs-a", requests: 10, p50: 300, inFlight: 4)] });

        _clock.Advance(TimeSpan.FromSeconds(11));
        var inFlightGone = await EventuallyAsync(_client.ServicesAsync, s => s.Single(x => x.ServiceId == "obs-a").Measured?.InFlight == 0);
        Assert.Equal(10, inFlightGone.Single(s => s.ServiceId == "obs-a").Measured!.Requests);

        _clock.Advance(TimeSpan.FromMinutes(3));
        var services = await EventuallyAsync(_client.ServicesAsync, s => s.Single(x => x.ServiceId == "obs-a").Measured is null);
        Assert.Null(services.Single(s => s.ServiceId == "obs-a").Measured);
    }

    [Fact]
    public async Task UnknownServicesInAReportAreIgnored()
    {
        using var response = await _client.ReportAsync(new ObservationReport { ReporterId = "facade-1", Services = [Observation("no-such-service", requests: 1, p50: 1)] });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(await _client.ServicesAsync(), s => s.ServiceId == "no-such-service");
    }

    [Theory]
    [InlineData("""{"services":[]}""", "reporter_id")]
    [InlineData("""{"reporter_id":"f","services":[{"service_id":"obs-a","requests":-1}]}""", "services[0].requests")]
    [InlineData("""{"reporter_id":"f","services":[{"service_id":"obs-a","p50_latency_ms":-5}]}""", "services[0].p50_latency_ms")]
    [InlineData("""{"reporter_id":"f","services":[{"service_id":""}]}""", "services[0].service_id")]
    [InlineData("""{"reporter_id":"f","services":[{"service_id":"obs-a","in_flight":"many"}]}""", "services[0].in_flight")]
    public async Task AnInvalidReportIs400NamingTheField(string json, string field)
    {
        using var response = await _client.PostAsync("/v1/cluster/observations", JsonContent(json), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await response.JsonAsync())["field"]!.GetValue<string>());
    }
}
