using System.Globalization;
using GenieHive.NodeAgent.Discovery;
using GenieHive.NodeAgent.Inventory;
using GenieHive.Tests.Compat;
using GenieHive.Tests.NodeAgent.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace GenieHive.Tests.NodeAgent;

/// <summary>
/// Discovery and probes against real engines (llama-server, whisper-server; random-weight models, real servers), when
/// <c>GENIEHIVE_REAL_ENGINES_DIR</c> points at a directory prepared by <c>tools/real-engines/setup.sh</c>.
/// </summary>
public sealed class RealEngineTests
{
    private const string EnginesVariable = "GENIEHIVE_REAL_ENGINES_DIR";

    [Fact]
    public async Task DiscoveryReadsARealLlamaServer()
    {
        var ct = TestContext.Current.CancellationToken;
        var engines = Environment.GetEnvironmentVariable(EnginesVariable);
        Assert.SkipWhen(string.IsNullOrWhiteSpace(engines), $"{EnginesVariable} is not set; prepare a directory with tools/real-engines/setup.sh to run this test.");

        var port = FreePort();
        var pid = await StartLlamaServerAsync(engines!, port, ct);
        try
        {
            var endpoint = "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
            await using var services = AgentHarness.BuildServices(new Dictionary<string, string?>
            {
                ["GenieHive:Node:HostId"] = "real",
                ["GenieHive:Node:Services:0:ServiceId"] = "real-chat",
                ["GenieHive:Node:Services:0:Kind"] = "chat",
                ["GenieHive:Node:Services:0:Endpoint"] = endpoint,
                ["GenieHive:Node:Services:0:Discover"] = "llamacpp",
            });

            await services.GetRequiredService<ServiceMonitor>().RefreshAsync(ct).WaitAsync(TimeSpan.FromSeconds(30), ct);
            var state = Assert.Single(services.GetRequiredService<NodeInventory>().Services);

            Assert.Equal("healthy", state.Health);
            var asset = Assert.Single(state.Assets);
            Assert.Equal("tiny", asset.AssetId);
            Assert.True(asset.Loaded);
            Assert.Equal(2048, asset.ContextSize);
            Assert.Equal(2048, state.Runtime!.ContextSize);
            Assert.Equal("llama.cpp", state.Runtime.Engine);
            Assert.True(state.Runtime.Extra!["total_slots"].GetInt32() >= 1);
            Assert.Equal(0, state.Observed!.InFlight);
            Assert.Equal(0, state.Observed.QueueDepth);
        }
        finally
        {
            Stop(pid);
        }
    }

    [Fact]
    public async Task ARealWhisperServerWithoutDiscoveryIsProbedHealthy()
    {
        var ct = TestContext.Current.CancellationToken;
        var engines = Environment.GetEnvironmentVariable(EnginesVariable);
        Assert.SkipWhen(string.IsNullOrWhiteSpace(engines), $"{EnginesVariable} is not set; prepare a directory with tools/real-engines/setup.sh to run this test.");

        var port = FreePort();
        var pid = await StartEngineAsync(engines!, "whisper", port, ct);
        try
        {
            await using var services = AgentHarness.BuildServices(new Dictionary<string, string?>
            {
                ["GenieHive:Node:HostId"] = "real",
                ["GenieHive:Node:Services:0:ServiceId"] = "real-whisper",
                ["GenieHive:Node:Services:0:Kind"] = "transcription",
                ["GenieHive:Node:Services:0:Endpoint"] = "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
                ["GenieHive:Node:Services:0:Assets:0:AssetId"] = "whisper-synth",
            });

            await services.GetRequiredService<ServiceMonitor>().RefreshAsync(ct).WaitAsync(TimeSpan.FromSeconds(30), ct);
            var state = Assert.Single(services.GetRequiredService<NodeInventory>().Services);

            Assert.Equal("healthy", state.Health);
            Assert.Equal(["whisper-synth"], state.Assets.Select(a => a.AssetId));
        }
        finally
        {
            Stop(pid);
        }
    }

    private static Task<int> StartLlamaServerAsync(string engines, int port, CancellationToken ct) => StartEngineAsync(engines, "chat", port, ct);

    private static Task<int> StartEngineAsync(string engines, string kind, int port, CancellationToken ct) =>
        RealEngineServer.StartAsync(engines, kind, port).WaitAsync(TimeSpan.FromSeconds(130), ct);

    private static void Stop(int pid) => RealEngineServer.Stop(pid);

    private static int FreePort() => RealEngineServer.FreePort();
}
