using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Tests.Control;
using static GenieHive.Tests.Control.ControlTestData;

namespace GenieHive.Tests.Benchmarks;

/// <summary>Old samples leave the routing table (and so the scores) but stay listed.</summary>
public sealed class SampleAgeingTests
{
    private static readonly GenieHiveJsonContext Json = GenieHiveJsonContext.Default;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASampleOlderThanTheMaximumAgeLeavesTheRoutingTableButStaysListed()
    {
        var clock = ControlFactory.NewClock();
        await using var control = new ControlFactory(settings: new Dictionary<string, string?>
        {
            ["GenieHive:Benchmarks:MaxSampleAgeHours"] = "168",
            // Keeps the host fresh while the clock jumps, so only ageing changes the table.
            ["GenieHive:Routing:HostTimeoutSeconds"] = "86400",
        }, time: clock);
        using var client = control.CreateClient();
        await client.RegisterOkAsync(Host("ageing-host", Service("ageing-chat")));
        var now = clock.UnixSeconds();
        await IngestAsync(client,
            Sample("ageing-old", "chat.short_reasoning", now - (167 * 3600)),
            Sample("ageing-new", "chat.concise_support", now - 60),
            Sample("ageing-ancient", "chat.structured_json", now - (400 * 3600)));

        var before = await client.RoutingTableAsync();
        Assert.Equal(["ageing-new", "ageing-old"], before.Benchmarks.Select(b => b.BenchmarkId).Order());

        clock.Advance(TimeSpan.FromHours(2));
        var after = await EventuallyAsync(client.RoutingTableAsync, t => t.Version > before.Version, seconds: 10);

        Assert.Equal(["ageing-new"], after.Benchmarks.Select(b => b.BenchmarkId));
        var listed = (await client.GetFromJsonAsync("/v1/cluster/benchmarks?service_id=ageing-chat", Json.ListResponseBenchmarkSample, Ct))!.Data;
        Assert.Equal(["ageing-ancient", "ageing-new", "ageing-old"], listed.Select(b => b.BenchmarkId).Order());
    }

    [Fact]
    public async Task AMaximumAgeOfZeroKeepsEverySample()
    {
        await using var control = new ControlFactory(settings: new Dictionary<string, string?> { ["GenieHive:Benchmarks:MaxSampleAgeHours"] = "0" });
        using var client = control.CreateClient();
        await client.RegisterOkAsync(Host("keep-host", Service("keep-chat")));

        await IngestAsync(client, Sample("keep-1970", "chat.short_reasoning", 100));

        var table = await EventuallyAsync(client.RoutingTableAsync, t => t.Benchmarks.Count > 0);
        Assert.Equal("keep-1970", Assert.Single(table.Benchmarks).BenchmarkId);
    }

    private static BenchmarkSample Sample(string id, string workload, double observedAt) => new()
    {
        BenchmarkId = id,
        ServiceId = id.StartsWith("keep", StringComparison.Ordinal) ? "keep-chat" : "ageing-chat",
        Workload = workload,
        ObservedAt = observedAt,
        Results = new JsonObject { ["pass_rate"] = 1.0 },
    };

    private static async Task IngestAsync(HttpClient client, params BenchmarkSample[] samples)
    {
        using var response = await client.PostAsJsonAsync("/v1/cluster/benchmarks", new BenchmarkIngest { Samples = [.. samples] }, Json.BenchmarkIngest, Ct);
        response.EnsureSuccessStatusCode();
    }
}
