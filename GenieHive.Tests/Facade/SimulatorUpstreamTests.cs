using System.Net;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Simulator;
using GenieHive.Tests.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace GenieHive.Tests.Facade;

/// <summary>The facade in front of the repository's engine simulator (llama.cpp-shaped answers, real pacing).</summary>
public sealed class SimulatorUpstreamTests : IAsyncLifetime
{
    private SimulatorHost _simulator = null!;
    private FakeControl _control = null!;
    private FacadeHost _facade = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _simulator = KestrelStart.Start(
            static () =>
            {
                var host = new SimulatorHost();
                host.UseKestrel(0);
                return host;
            },
            static host => host.StartServer());
        var url = KestrelStart.ListeningUrl(_simulator.Services);
        var table = TestTables.Table(1,
            [
                TestTables.Service("sim-chat-svc", url, ["sim-chat"]),
                TestTables.Service("sim-embed-svc", url, ["sim-embed"], kind: ServiceKinds.Embeddings),
            ],
            [TestTables.Role("mentor", systemPrompt: "You are a patient mentor.")]);
        _control = await FakeControl.StartAsync(table);
        _facade = await FacadeHost.StartAsync(_control);
    }

    public async ValueTask DisposeAsync()
    {
        await _facade.DisposeAsync();
        await _control.DisposeAsync();
        await _simulator.DisposeAsync();
    }

    [Fact]
    public async Task ChatThroughARoleAnswersFromTheSimulator()
    {
        using var response = await _facade.Client.PostAsync("/v1/chat/completions",
            Requests.JsonBody("""{"model":"mentor","messages":[{"role":"user","content":"hello there"}],"max_tokens":5}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.False(string.IsNullOrEmpty(body["choices"]![0]!["message"]!["content"]!.GetValue<string>()));
        Assert.Equal(5, body["usage"]!["completion_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task StreamWithUsageEndsWithUsageAndDone()
    {
        using var response = await _facade.Client.PostAsync("/v1/chat/completions", Requests.JsonBody(
            """{"model":"sim-chat","messages":[{"role":"user","content":"hi"}],"max_tokens":4,"stream":true,"stream_options":{"include_usage":true}}"""), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("\"completion_tokens\":4", text, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", text.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmbeddingsHonourDimensions()
    {
        using var response = await _facade.Client.PostAsync("/v1/embeddings",
            Requests.JsonBody("""{"model":"sim-embed","input":["a","b"],"dimensions":8}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["data"]!.AsArray();
        Assert.Equal(2, data.Count);
        Assert.Equal(8, data[0]!["embedding"]!.AsArray().Count);
    }

    private sealed class SimulatorHost : WebApplicationFactory<SimulatorMarker>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Simulator:TimeToFirstTokenMs", "5");
            builder.UseSetting("Simulator:TokensPerSecond", "0");
        }
    }
}
