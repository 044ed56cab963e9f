using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Routing;
using GenieHive.Routing;
using static GenieHive.Tests.Control.ControlTestData;

namespace GenieHive.Tests.Control;

/// <summary>
/// The incremental routing watch on a real Control: after a whole table, only what changed, with version continuity,
/// and the whole table whenever the client's history is not Control's (another table id, too far behind, no deltas asked).
/// Each test has its own Control (its own SQLite file), so versions move only by what the test does.
/// </summary>
public sealed class RoutingDeltaTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(HttpResponseMessage Response, string Format)> PollAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync("/v1/cluster/routing-table?" + query, Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var format = response.Headers.TryGetValues(RoutingWatchWire.FormatHeader, out var values) ? values.Single() : "";
        return (response, format);
    }

    /// <summary>The whole table once nothing is pending (the version Control's health reports).</summary>
    private static async Task<RoutingTable> SettledAsync(HttpClient client) =>
        (await EventuallyAsync(
            async () => (table: await client.RoutingTableAsync(), health: await client.HealthAsync()),
            pair => pair.table.Version == pair.health.RoutingVersion)).table;

    private static string Canonical(RoutingTable table) => JsonSerializer.Serialize(table with { GeneratedAt = 0 }, Json.RoutingTable);

    [Fact]
    public async Task ADeltaCarriesOnlyWhatChangedAndRebuildsTheTableControlPublished()
    {
        await using var control = new ControlFactory();
        using var client = control.CreateClient();
        for (var i = 0; i < 20; i++)
        {
            await client.RegisterOkAsync(Host($"delta-host-{i}", Service($"delta-chat-{i}", asset: $"model-{i % 4}")));
        }

        var held = await SettledAsync(client);
        Assert.False(string.IsNullOrEmpty(held.TableId));
        var poll = PollAsync(client, $"after={held.Version}&wait=20&table_id={held.TableId}&delta=true");
        await client.RegisterOkAsync(Host("delta-host-new", Service("delta-chat-new", asset: "model-new")));
        await client.RegisterOkAsync(Host("delta-host-3", Service("delta-chat-3", asset: "model-moved", p50: 100)));
        var (response, format) = await poll;
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(RoutingWatchWire.DeltaFormat, format);
            var delta = (await response.Content.ReadFromJsonAsync(Json.RoutingTableDelta, Ct))!;
            Assert.Equal(held.TableId, delta.TableId);
            Assert.Equal(held.Version, delta.FromVersion);
            Assert.True(delta.Version > held.Version);
            // Only the changed services and hosts; the other 19 of each are not sent again.
            Assert.True(delta.Services.Count <= 2, "services in the delta: " + string.Join(", ", delta.Services.Select(s => s.ServiceId)));
            Assert.Contains(delta.Services, s => s.ServiceId == "delta-chat-new");
            Assert.True(delta.Hosts.Count <= 2, "hosts in the delta: " + string.Join(", ", delta.Hosts.Select(h => h.HostId)));
            Assert.Empty(delta.Roles);

            // Follow the watch to the settled version, delta by delta, applying each to a snapshot.
            var snapshot = RoutingSnapshot.Build(held).Apply(delta);
            var settled = await SettledAsync(client);
            while (snapshot.Version < settled.Version)
            {
                var (next, nextFormat) = await PollAsync(client, $"after={snapshot.Version}&wait=5&table_id={held.TableId}&delta=true");
                using (next)
                {
                    Assert.Equal(RoutingWatchWire.DeltaFormat, nextFormat);
                    snapshot = snapshot.Apply((await next.Content.ReadFromJsonAsync(Json.RoutingTableDelta, Ct))!);
                }
            }

            Assert.Equal(Canonical(settled), Canonical(snapshot.Table with { GeneratedAt = settled.GeneratedAt }));
            var rebuilt = RoutingSnapshot.Build(settled);
            foreach (var name in new[] { "model-moved", "model-3", "model-new", "delta-chat-3" })
            {
                Assert.Equal(
                    JsonSerializer.Serialize(new ResolveResponse("ok", rebuilt.Explain(name, "chat", 0)!), Json.ResolveResponse),
                    JsonSerializer.Serialize(new ResolveResponse("ok", snapshot.Explain(name, "chat", 0)!), Json.ResolveResponse));
            }
        }
    }

    [Fact]
    public async Task HeartbeatsThatMoveNothingRoutingReadsStayOutOfTheDelta()
    {
        await using var control = new ControlFactory();
        using var client = control.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            await client.RegisterOkAsync(Host($"quiet-host-{i}", Service($"quiet-chat-{i}")));
        }

        var held = await SettledAsync(client);
        Assert.All(held.Hosts, host => Assert.Null(host.Metrics));
        Assert.All(held.Hosts, host => Assert.Equal(0, host.Status.LastSeen));

        // New metrics and a new last_seen on every host, the same services: not a routing change.
        for (var i = 0; i < 5; i++)
        {
            var beat = Heartbeat($"quiet-host-{i}", Service($"quiet-chat-{i}")) with { Metrics = new() { ["seq"] = 2, ["queue_depth"] = i } };
            using var response = await client.HeartbeatAsync(beat);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var (idle, _) = await PollAsync(client, $"after={held.Version}&wait=1&table_id={held.TableId}&delta=true");
        using (idle)
        {
            Assert.Equal(HttpStatusCode.NoContent, idle.StatusCode);
        }

        Assert.Contains(await client.HostsAsync(), host => host.HostId == "quiet-host-4" && host.Metrics?["queue_depth"]?.GetValue<int>() == 4);

        // A queue that routing scores moves: that one service, and no host, goes out.
        var poll = PollAsync(client, $"after={held.Version}&wait=20&table_id={held.TableId}&delta=true");
        using (var moved = await client.HeartbeatAsync(Heartbeat("quiet-host-2", Service("quiet-chat-2", queueDepth: 3))))
        {
            Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        }

        var (response2, format) = await poll;
        using (response2)
        {
            Assert.Equal(RoutingWatchWire.DeltaFormat, format);
            var delta = (await response2.Content.ReadFromJsonAsync(Json.RoutingTableDelta, Ct))!;
            Assert.Equal("quiet-chat-2", Assert.Single(delta.Services).ServiceId);
            Assert.Equal(3, delta.Services[0].Observed?.QueueDepth);
            Assert.Empty(delta.Hosts);
        }
    }

    [Fact]
    public async Task AnotherTableIdGetsTheWholeTableAtOnceEvenAtTheSameVersion()
    {
        await using var control = new ControlFactory();
        using var client = control.CreateClient();
        var held = await SettledAsync(client);

        var (response, format) = await PollAsync(client, $"after={held.Version}&wait=20&table_id=another-replica&delta=true");
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(RoutingWatchWire.FullFormat, format);
            var table = (await response.Content.ReadFromJsonAsync(Json.RoutingTable, Ct))!;
            Assert.Equal(held.TableId, table.TableId);
            Assert.Equal(held.Version, table.Version);
        }
    }

    [Fact]
    public async Task AClientFurtherBehindThanTheHistoryGetsTheWholeTable()
    {
        await using var control = new ControlFactory(settings: new Dictionary<string, string?> { ["GenieHive:Routing:WatchHistoryVersions"] = "2" });
        using var client = control.CreateClient();
        var held = await SettledAsync(client);
        for (var i = 0; i < 4; i++)
        {
            await client.RegisterOkAsync(Host($"behind-host-{i}", Service($"behind-chat-{i}")));
            await EventuallyAsync(() => SettledAsync(client), table => table.Services.Any(s => s.ServiceId == $"behind-chat-{i}"));
        }

        var current = await SettledAsync(client);
        Assert.True(current.Version >= held.Version + 4);

        var (far, farFormat) = await PollAsync(client, $"after={held.Version}&table_id={current.TableId}&delta=true");
        var (near, nearFormat) = await PollAsync(client, $"after={current.Version - 1}&table_id={current.TableId}&delta=true");
        using (far)
        using (near)
        {
            Assert.Equal(RoutingWatchWire.FullFormat, farFormat);
            Assert.Equal(4, (await far.Content.ReadFromJsonAsync(Json.RoutingTable, Ct))!.Services.Count);
            Assert.Equal(RoutingWatchWire.DeltaFormat, nearFormat);
            Assert.Equal(current.Version - 1, (await near.Content.ReadFromJsonAsync(Json.RoutingTableDelta, Ct))!.FromVersion);
        }
    }

    [Fact]
    public async Task AClientThatDoesNotAskForDeltasStillGetsWholeTables()
    {
        await using var control = new ControlFactory();
        using var client = control.CreateClient();
        var held = await SettledAsync(client);
        await client.RegisterOkAsync(Host("compat-host", Service("compat-chat")));

        var (response, format) = await PollAsync(client, $"after={held.Version}&wait=5&table_id={held.TableId}");
        using (response)
        {
            Assert.Equal(RoutingWatchWire.FullFormat, format);
            var table = (await response.Content.ReadFromJsonAsync(Json.RoutingTable, Ct))!;
            Assert.Contains(table.Services, s => s.ServiceId == "compat-chat");
        }
    }

    [Theory]
    [InlineData("after=1&delta=maybe", "delta")]
    [InlineData("after=1&delta=true&table_id=0123456789012345678901234567890123456789012345678901234567890123456789", "table_id")]
    public async Task BadWatchParametersGetAProblem(string query, string field)
    {
        await using var control = new ControlFactory();
        using var client = control.CreateClient();

        var (response, _) = await PollAsync(client, query);
        using (response)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(field, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
    }
}
