using System.Net;
using static GenieHive.Tests.Control.ControlTestData;

namespace GenieHive.Tests.Control;

/// <summary>Host staleness on Control's clock (a fake one here), and what it does to routing.</summary>
public sealed class StalenessTests : IAsyncLifetime
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = ControlFactory.NewClock();
    private readonly ControlFactory _factory;
    private HttpClient _client = null!;

    public StalenessTests()
    {
        _factory = new ControlFactory(
            settings: new Dictionary<string, string?> { ["GenieHive:Routing:HostTimeoutSeconds"] = "15" },
            time: _clock);
    }

    public ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task AHostSilentForHostTimeoutSecondsGoesStaleAndComesBackOnItsNextHeartbeat()
    {
        await _client.RegisterOkAsync(Host("quiet-host", Service("quiet-chat")));
        await _client.RegisterOkAsync(Host("busy-host", Service("busy-chat")));
        var before = await _client.HealthAsync();
        Assert.Equal(2, before.OnlineHostCount);

        _clock.Advance(TimeSpan.FromSeconds(10));
        await _client.HeartbeatAsync(Heartbeat("busy-host"));
        _clock.Advance(TimeSpan.FromSeconds(6));

        var stale = await EventuallyAsync(_client.HealthAsync, h => h.RoutingVersion > before.RoutingVersion);
        Assert.Equal(1, stale.StaleHostCount);
        Assert.Equal(1, stale.OnlineHostCount);
        Assert.Equal(["quiet-host"], stale.StaleHosts);
        Assert.Equal(1, stale.RoutableServiceCount);
        Assert.True(stale.RoutingVersion > before.RoutingVersion);

        var services = await _client.ServicesAsync();
        var quiet = services.Single(s => s.ServiceId == "quiet-chat");
        Assert.True(quiet.HostStale);
        Assert.False(quiet.Routable);
        Assert.False(services.Single(s => s.ServiceId == "busy-chat").HostStale);

        var host = (await _client.HostsAsync()).Single(h => h.HostId == "quiet-host");
        Assert.True(host.Status.Stale);
        Assert.Equal(1.0, host.Status.StaleForSeconds!.Value, 3);

        var table = await _client.RoutingTableAsync();
        Assert.True(table.Services.Single(s => s.ServiceId == "quiet-chat").HostStale);
        Assert.False(table.Services.Single(s => s.ServiceId == "quiet-chat").Routable);

        using var heartbeat = await _client.HeartbeatAsync(Heartbeat("quiet-host"));
        Assert.Equal(HttpStatusCode.OK, heartbeat.StatusCode);
        var back = await _client.HealthAsync();
        Assert.Equal(0, back.StaleHostCount);
        Assert.Equal(2, back.RoutableServiceCount);
        Assert.True(back.RoutingVersion > stale.RoutingVersion);
        Assert.False((await _client.ServicesAsync()).Single(s => s.ServiceId == "quiet-chat").HostStale);
    }

    [Fact]
    public async Task AHostBackBeforeTheSweepNoticedItStillPublishesItFresh()
    {
        await _client.RegisterOkAsync(Host("blink-host", Service("blink-chat")));
        _clock.Advance(TimeSpan.FromSeconds(16));
        var staleTable = await _client.RoutingTableAsync();
        Assert.True(staleTable.Services.Single(s => s.ServiceId == "blink-chat").HostStale);

        await _client.HeartbeatAsync(Heartbeat("blink-host"));

        var table = await _client.RoutingTableAsync();
        Assert.True(table.Version > staleTable.Version);
        Assert.False(table.Services.Single(s => s.ServiceId == "blink-chat").HostStale);
    }

    [Fact]
    public async Task AHeartbeatThatOnlyRefreshesLastSeenDoesNotBumpTheVersion()
    {
        await _client.RegisterOkAsync(Host("steady-host", Service("steady-chat")));
        await _client.HeartbeatAsync(Heartbeat("steady-host", Service("steady-chat")));
        var before = (await _client.HealthAsync()).RoutingVersion;

        _clock.Advance(TimeSpan.FromSeconds(1));
        await _client.HeartbeatAsync(Heartbeat("steady-host", Service("steady-chat")));
        await _client.HeartbeatAsync(Heartbeat("steady-host"));

        Assert.Equal(before, (await _client.HealthAsync()).RoutingVersion);
    }

    [Fact]
    public async Task AHeartbeatThatChangesServiceStateBumpsTheVersion()
    {
        await _client.RegisterOkAsync(Host("changing-host", Service("changing-chat")));
        var before = (await _client.HealthAsync()).RoutingVersion;

        await _client.HeartbeatAsync(Heartbeat("changing-host", Service("changing-chat", queueDepth: 4)));

        Assert.Equal(before + 1, (await _client.HealthAsync()).RoutingVersion);
    }

    [Fact]
    public async Task AServiceOfAStaleHostCanMoveToANewHost()
    {
        await _client.RegisterOkAsync(Host("old-name", Service("moving-chat")));
        _clock.Advance(TimeSpan.FromSeconds(20));

        using var response = await _client.RegisterAsync(Host("new-name", Service("moving-chat")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("new-name", (await _client.ServicesAsync()).Single(s => s.ServiceId == "moving-chat").HostId);
        Assert.Equal(0, (await _client.HostsAsync()).Single(h => h.HostId == "old-name").ServiceCount);
    }
}
