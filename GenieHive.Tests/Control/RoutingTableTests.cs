using System.Net;
using System.Net.Http.Json;
using GenieHive.Contracts.Routing;
using static GenieHive.Tests.Control.ControlTestData;

namespace GenieHive.Tests.Control;

/// <summary>The long poll the facade follows (real clock: the waits here are one or two seconds).</summary>
public sealed class RoutingTableTests(ControlFixture control) : IClassFixture<ControlFixture>
{
    private readonly HttpClient _client = control.Client;

    private async Task<RoutingTable> CurrentAsync()
    {
        var table = await _client.RoutingTableAsync();
        // Let anything still pending publish, so the version below is the settled one.
        return (await EventuallyAsync(
            async () => (table: await _client.RoutingTableAsync(), health: await _client.HealthAsync()),
            pair => pair.table.Version == pair.health.RoutingVersion)).table;
    }

    [Fact]
    public async Task WithoutAfterTheCurrentTableComesAtOnce()
    {
        using var response = await _client.GetAsync("/v1/cluster/routing-table", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var table = (await response.Content.ReadFromJsonAsync(Json.RoutingTable, TestContext.Current.CancellationToken))!;
        Assert.True(table.Version >= 1);
        Assert.Equal("scored", table.Strategy);
        Assert.Equal(15, table.HostTimeoutSeconds);
        Assert.True(table.GeneratedAt > 1_700_000_000);
        Assert.NotEmpty(table.Roles);
        Assert.Equal(table.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("X-GenieHive-Routing-Version").Single());
    }

    [Fact]
    public async Task AnOlderAfterGetsTheCurrentTableAtOnce()
    {
        var current = await CurrentAsync();

        var table = await _client.GetFromJsonAsync($"/v1/cluster/routing-table?after={current.Version - 1}&wait=20", Json.RoutingTable, TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        Assert.True(table!.Version >= current.Version);
    }

    [Fact]
    public async Task WithNothingNewTheLongPollAnswers204AfterTheWait()
    {
        var current = await CurrentAsync();

        using var response = await _client.GetAsync($"/v1/cluster/routing-table?after={current.Version}&wait=1", TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // Another test's change may legitimately arrive during the wait; then the answer is that newer table.
        Assert.True(response.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.OK);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var table = (await response.Content.ReadFromJsonAsync(Json.RoutingTable, TestContext.Current.CancellationToken))!;
            Assert.True(table.Version > current.Version);
        }
    }

    [Fact]
    public async Task AWaitingPollWakesWithinASecondOfAChange()
    {
        var current = await CurrentAsync();
        var poll = _client.GetAsync($"/v1/cluster/routing-table?after={current.Version}&wait=20", TestContext.Current.CancellationToken);

        await _client.RegisterOkAsync(Host("wake-host", Service("wake-chat")));
        var started = DateTime.UtcNow;
        using var response = await poll.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(1));
        var table = (await response.Content.ReadFromJsonAsync(Json.RoutingTable, TestContext.Current.CancellationToken))!;
        Assert.True(table.Version > current.Version);
        var wakeTable = await EventuallyAsync(_client.RoutingTableAsync, t => t.Services.Any(s => s.ServiceId == "wake-chat"));
        Assert.Contains(wakeTable.Services, s => s.ServiceId == "wake-chat" && s.Routable);
        Assert.Contains(wakeTable.Hosts, h => h.HostId == "wake-host");
    }

    [Fact]
    public async Task ManyWaitersAllWakeOnOneChange()
    {
        var current = await CurrentAsync();
        var polls = Enumerable.Range(0, 50)
            .Select(_ => _client.GetAsync($"/v1/cluster/routing-table?after={current.Version}&wait=20", TestContext.Current.CancellationToken))
            .ToList();

        await _client.RegisterOkAsync(Host("crowd-host", Service("crowd-chat")));
        var responses = await Task.WhenAll(polls).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task ACancelledPollLeavesControlAnswering()
    {
        var current = await CurrentAsync();
        using (var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken))
        {
            var polls = Enumerable.Range(0, 20)
                .Select(_ => _client.GetAsync($"/v1/cluster/routing-table?after={current.Version}&wait=25", cancel.Token))
                .ToList();
            await cancel.CancelAsync();
            foreach (var poll in polls)
            {
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => poll);
            }
        }

        using var response = await _client.GetAsync("/v1/cluster/routing-table", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
