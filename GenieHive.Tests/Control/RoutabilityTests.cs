using System.Net;
using System.Net.Http.Json;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Control.Benchmarks.Workloads;
using GenieHive.Routing.Planning;
using GenieHive.Tests.Benchmarks;

namespace GenieHive.Tests.Control;

/// <summary>
/// One routability rule: a service its node reports as <c>"Draining"</c> (any case) takes no traffic, and every view
/// says so: the services listing, the routing table, <c>routes/resolve</c>, the facade's routing and benchmark planning.
/// </summary>
public sealed class RoutabilityTests
{
    private const string DrainingChat = "drain-chat";
    private const string DrainingAsset = "drain-model";

    private static readonly GenieHiveJsonContext Json = GenieHiveJsonContext.Default;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ADrainingServiceIsUnroutableInEveryView()
    {
        await using var cluster = await BenchmarkCluster.StartAsync(BenchmarkCluster.SlowChat, BenchmarkCluster.FastChat);
        // Otherwise fit to serve: healthy, accepting, answered by the fast simulator, in the cluster's role.
        var draining = BenchmarkCluster.SimulatorService(DrainingChat, ServiceKinds.Chat, DrainingAsset, cluster.Fast);
        await cluster.RegisterAsync("drain-host", draining with { State = draining.State! with { Availability = "Draining" } });
        await ControlTestData.EventuallyAsync(
            async () => (await cluster.Client.GetAsync("/v1/models/" + DrainingChat, Ct)).StatusCode,
            status => status == HttpStatusCode.OK, seconds: 15);

        var listed = (await cluster.Client.ServicesAsync()).Single(s => s.ServiceId == DrainingChat);
        Assert.False(listed.Routable);
        Assert.Equal(Availability.Draining, listed.State!.Availability);

        using var control = new HttpClient { BaseAddress = new Uri(cluster.Control.Url) };
        control.DefaultRequestHeaders.Add(GenieHiveHeaders.ApiKey, BenchmarkCluster.ClientKey);
        var table = await control.RoutingTableAsync();
        Assert.False(table.Services.Single(s => s.ServiceId == DrainingChat).Routable);

        var direct = await ResolveAsync(cluster, DrainingChat);
        Assert.Null(direct.Service);
        Assert.Equal(ExclusionReasons.Availability(Availability.Draining), direct.Excluded.Single(e => e.ServiceId == DrainingChat).Reason);
        var role = await ResolveAsync(cluster, BenchmarkCluster.Role);
        Assert.DoesNotContain(role.Candidates, c => c.ServiceId == DrainingChat);
        Assert.Equal(ExclusionReasons.Availability(Availability.Draining), role.Excluded.Single(e => e.ServiceId == DrainingChat).Reason);

        foreach (var model in new[] { DrainingChat, DrainingAsset })
        {
            using var chat = await cluster.Client.PostAsync("/v1/chat/completions", ControlTestData.JsonContent(
                $$"""{"model":"{{model}}","max_tokens":4,"messages":[{"role":"user","content":"hi"}]}"""), Ct);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, chat.StatusCode);
        }

        using var serviceRun = await cluster.StartRunAsync(new BenchmarkRunRequest { Workload = BuiltInWorkloads.ShortReasoning, ServiceId = DrainingChat });
        Assert.Equal(HttpStatusCode.Conflict, serviceRun.StatusCode);
        var problem = await serviceRun.JsonAsync();
        Assert.Equal("service_id", problem["field"]!.GetValue<string>());
        Assert.Contains(ExclusionReasons.Availability(Availability.Draining), problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var kindRun = await cluster.StartRunOkAsync(new BenchmarkRunRequest { Workload = BuiltInWorkloads.ShortReasoning, Kind = ServiceKinds.Chat });
        var roleRun = await cluster.StartRunOkAsync(new BenchmarkRunRequest { Workload = BuiltInWorkloads.ShortReasoning, Role = BenchmarkCluster.Role });
        Assert.DoesNotContain(kindRun.Targets, t => t.ServiceId == DrainingChat);
        Assert.DoesNotContain(roleRun.Targets, t => t.ServiceId == DrainingChat);
    }

    [Fact]
    public async Task AnUnknownAvailabilityIsRefusedAtRegistrationNamingTheField()
    {
        await using var factory = new ControlFactory();
        using var client = factory.CreateClient();
        var service = ControlTestData.Service("odd-chat");

        using var response = await client.RegisterAsync(ControlTestData.Host("odd-host", service with { State = service.State! with { Availability = "maintenance" } }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Equal("services[0].state.availability", problem["field"]!.GetValue<string>());
        Assert.Contains(Availability.Draining, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static async Task<Resolution> ResolveAsync(BenchmarkCluster cluster, string model) =>
        (await cluster.Client.GetFromJsonAsync($"/v1/cluster/routes/resolve?model={model}&kind=chat", Json.ResolveResponse, Ct))!.Resolution;
}
