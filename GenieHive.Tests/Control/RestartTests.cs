using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GenieHive.Contracts.Cluster;
using GenieHive.Tests.Control.Storage;
using static GenieHive.Tests.Control.ControlTestData;

namespace GenieHive.Tests.Control;

/// <summary>State lives in the database: a new Control on the same one knows what the old one knew, on either provider.</summary>
public sealed class RestartTests
{
    [Theory]
    [MemberData(nameof(TestStorage.Providers), MemberType = typeof(TestStorage))]
    public async Task HostsServicesBenchmarksRolesAndTheVersionSurviveARestart(string provider)
    {
        await using var storage = await TestStorage.CreateAsync(provider);
        long versionBefore;
        await using (var first = new ControlFactory(settings: storage.Settings))
        {
            using var client = first.CreateClient();
            await client.RegisterOkAsync(Host("durable-host", Service("durable-chat"), Service("durable-embed", "embeddings", "bge-small-en")));
            await client.HeartbeatAsync(Heartbeat("durable-host", Service("durable-chat", queueDepth: 2), Service("durable-embed", "embeddings", "bge-small-en")));
            using var ingest = await client.PostAsJsonAsync("/v1/cluster/benchmarks", new BenchmarkIngest
            {
                Samples = [new BenchmarkSample { BenchmarkId = "durable-bench", ServiceId = "durable-chat", Workload = "coding", ObservedAt = 123, Results = new JsonObject { ["pass_rate"] = 0.75 } }],
            }, Json.BenchmarkIngest, TestContext.Current.CancellationToken);
            ingest.EnsureSuccessStatusCode();
            versionBefore = (await client.HealthAsync()).RoutingVersion;
        }

        await using var second = new ControlFactory(settings: storage.Settings);
        using var restarted = second.CreateClient();

        var host = Assert.Single(await restarted.HostsAsync());
        Assert.Equal("durable-host", host.HostId);
        Assert.Equal("a", host.Labels["rack"]);
        Assert.False(host.Status.Stale);
        var services = await restarted.ServicesAsync();
        Assert.Equal(["durable-chat", "durable-embed"], services.Select(s => s.ServiceId));
        Assert.Equal(2, services[0].Observed!.QueueDepth);
        Assert.Equal("qwen3-8b-q4km", services[0].Assets.Single().AssetId);
        var sample = Assert.Single((await restarted.GetFromJsonAsync("/v1/cluster/benchmarks", Json.ListResponseBenchmarkSample, TestContext.Current.CancellationToken))!.Data);
        Assert.Equal(0.75, sample.Results["pass_rate"]!.GetValue<double>());
        var health = await restarted.HealthAsync();
        Assert.True(health.RoleCount > 0);
        Assert.True(health.RoutingVersion > versionBefore);
        using var heartbeat = await restarted.HeartbeatAsync(Heartbeat("durable-host"));
        Assert.Equal(System.Net.HttpStatusCode.OK, heartbeat.StatusCode);
    }
}
