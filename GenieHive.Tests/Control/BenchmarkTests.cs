using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using static GenieHive.Tests.Control.ControlTestData;

namespace GenieHive.Tests.Control;

public sealed class BenchmarkTests(ControlFixture control) : IClassFixture<ControlFixture>
{
    private readonly HttpClient _client = control.Client;

    private static BenchmarkSample Sample(string id, string service, string workload, double observedAt, double quality) => new()
    {
        BenchmarkId = id,
        ServiceId = service,
        AssetId = "qwen3-8b-q4km",
        Workload = workload,
        ObservedAt = observedAt,
        Results = new JsonObject { ["quality_score"] = quality, ["tokens_per_sec"] = 42 },
    };

    private async Task<BenchmarkIngestResult> IngestAsync(params BenchmarkSample[] samples)
    {
        using var response = await _client.PostAsJsonAsync("/v1/cluster/benchmarks", new BenchmarkIngest { Samples = [.. samples] }, Json.BenchmarkIngest, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync(Json.BenchmarkIngestResult, TestContext.Current.CancellationToken))!;
    }

    private async Task<List<BenchmarkSample>> ListAsync(string query) =>
        [.. (await _client.GetFromJsonAsync("/v1/cluster/benchmarks" + query, Json.ListResponseBenchmarkSample, TestContext.Current.CancellationToken))!.Data];

    [Fact]
    public async Task IngestAnswersTheCountAndTheStoredSamplesOfTheServicesInTheRequest()
    {
        await IngestAsync(Sample("other-1", "bench-other", "chat", 100, 0.5));

        var result = await IngestAsync(
            Sample("ingest-1", "bench-svc", "coding", 200, 0.8),
            Sample("ingest-2", "bench-svc", "chat", 300, 0.6));

        Assert.Equal("ok", result.Status);
        Assert.Equal(2, result.Count);
        Assert.Equal(["ingest-2", "ingest-1"], result.Data.Select(s => s.BenchmarkId));
        Assert.Equal(0.8, result.Data[1].Results["quality_score"]!.GetValue<double>());
    }

    [Fact]
    public async Task IngestUpsertsByBenchmarkId()
    {
        await IngestAsync(Sample("upsert-1", "upsert-svc", "coding", 100, 0.2));

        await IngestAsync(Sample("upsert-1", "upsert-svc", "coding", 150, 0.9));

        var stored = Assert.Single(await ListAsync("?service_id=upsert-svc"));
        Assert.Equal(150, stored.ObservedAt);
        Assert.Equal(0.9, stored.Results["quality_score"]!.GetValue<double>());
    }

    [Fact]
    public async Task ListFiltersByServiceAndWorkloadNewestFirstThenById()
    {
        await IngestAsync(
            Sample("order-b", "order-svc", "coding", 500, 0.1),
            Sample("order-a", "order-svc", "coding", 500, 0.1),
            Sample("order-c", "order-svc", "coding", 900, 0.1),
            Sample("order-d", "order-svc", "chat", 1000, 0.1),
            Sample("order-e", "order-other", "coding", 1000, 0.1));

        var coding = await ListAsync("?service_id=order-svc&workload=coding");
        var service = await ListAsync("?service_id=order-svc");
        var all = await ListAsync("");

        Assert.Equal(["order-c", "order-a", "order-b"], coding.Select(s => s.BenchmarkId));
        Assert.Equal(["order-d", "order-c", "order-a", "order-b"], service.Select(s => s.BenchmarkId));
        Assert.Contains(all, s => s.BenchmarkId == "order-e");
    }

    [Fact]
    public async Task TheRoutingTableCarriesTheLatestSamplePerWorkloadOfRegisteredServices()
    {
        await _client.RegisterOkAsync(Host("bench-host", Service("bench-table-svc")));
        // Recent samples: older ones than GenieHive:Benchmarks:MaxSampleAgeHours (a week) leave the table.
        var now = TimeProvider.System.UnixSeconds();
        await IngestAsync(
            Sample("table-old", "bench-table-svc", "coding", now - 300, 0.1),
            Sample("table-new", "bench-table-svc", "coding", now - 200, 0.9),
            Sample("table-chat", "bench-table-svc", "chat", now - 350, 0.5),
            Sample("table-unregistered", "nobody-has-this", "coding", now - 100, 1));

        var table = await EventuallyAsync(_client.RoutingTableAsync, t => t.Benchmarks.Any(b => b.BenchmarkId == "table-new"));

        var mine = table.Benchmarks.Where(b => b.ServiceId == "bench-table-svc").Select(b => b.BenchmarkId).Order().ToList();
        Assert.Equal(["table-chat", "table-new"], mine);
        Assert.DoesNotContain(table.Benchmarks, b => b.ServiceId == "nobody-has-this");
    }

    [Theory]
    [InlineData("""{"samples":[{"service_id":"s","workload":"w","observed_at":1,"results":{}}]}""", "samples[0].benchmark_id")]
    [InlineData("""{"samples":[{"benchmark_id":"","service_id":"s","workload":"w","observed_at":1,"results":{}}]}""", "samples[0].benchmark_id")]
    [InlineData("""{"samples":[{"benchmark_id":"b","service_id":" ","workload":"w","observed_at":1,"results":{}}]}""", "samples[0].service_id")]
    [InlineData("""{"samples":[{"benchmark_id":"b","service_id":"s","workload":"","observed_at":1,"results":{}}]}""", "samples[0].workload")]
    [InlineData("""{"samples":[{"benchmark_id":"b","service_id":"s","workload":"w","observed_at":"yesterday","results":{}}]}""", "samples[0].observed_at")]
    [InlineData("""{"samples":[{"benchmark_id":"b","service_id":"s","workload":"w","results":{}}]}""", "samples[0].observed_at")]
    [InlineData("""{"samples":[{"benchmark_id":"b","service_id":"s","workload":"w","observed_at":1,"results":[1]}]}""", "samples[0].results")]
    [InlineData("""{"samples":[{"benchmark_id":"b","service_id":"s","workload":"w","observed_at":1,"results":null}]}""", "samples[0].results")]
    [InlineData("""{"samples":[null]}""", "samples[0]")]
    [InlineData("""{"samples":null}""", "samples")]
    public async Task AnInvalidSampleIs400NamingTheField(string json, string field)
    {
        using var response = await _client.PostAsync("/v1/cluster/benchmarks", JsonContent(json), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await response.JsonAsync())["field"]!.GetValue<string>());
    }
}
