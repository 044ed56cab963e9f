using System.Diagnostics;
using GenieHive.Tests.Compat;
using GenieHive.Tests.Scenarios.Cluster;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Scenarios;

/// <summary>
/// Issue 5's "done when", with real engines: two llama-servers (random-weight model, real server) behind two node
/// agents that discover them. Skips without <c>GENIEHIVE_REAL_ENGINES_DIR</c>.
/// </summary>
[Collection(ScenarioCollection.Name)]
public sealed class RealEngineFailoverTests(ITestOutputHelper output)
{
    private const string Model = "tiny-pair";

    [Fact]
    public async Task TwoRealLlamaServersShareABurstSurviveAKillAndTheirSilentHostGoesStale()
    {
        Assert.SkipWhen(RealEngines.Directory is null, RealEngines.SkipReason);
        var ct = TestContext.Current.CancellationToken;
        var options = new ClusterOptions { HostTimeoutSeconds = 3, HeartbeatSeconds = 0.75, FirstByteTimeoutSeconds = 30 };
        var budget = TimeSpan.FromSeconds(options.HostTimeoutSeconds + options.HeartbeatSeconds);
        await using var cluster = await TestCluster.StartAsync(options);
        var engines = await Task.WhenAll(cluster.StartRealEngineAsync("a", "chat", Model), cluster.StartRealEngineAsync("b", "chat", Model))
            .WaitAsync(TimeSpan.FromSeconds(150), ct);
        var (llamaA, llamaB) = (engines[0], engines[1]);
        await cluster.StartAgentAsync("host-a", new ServiceSpec("llama-a", llamaA.BaseAddress, AssetId: null, Discover: "llamacpp"));
        var agentB = await cluster.StartAgentAsync("host-b", new ServiceSpec("llama-b", llamaB.BaseAddress, AssetId: null, Discover: "llamacpp"));
        await cluster.WaitForTargetsAsync(Model, "llama-a", "llama-b");

        var table = cluster.Facade.Routing.Current!;
        output.WriteLine($"Facade table v{table.Version} before the burst: " + string.Join("; ", table.Find(Model, "chat")!.Targets.Select(t =>
            $"{t.ServiceId} score {t.Score:F4} loaded {t.Loaded} runtime {t.Signals.RuntimeScore:F2} ({t.Signals.RuntimeSource})")));

        // Eight at once: the facade's in-flight counts put them on both engines.
        var clock = Stopwatch.StartNew();
        var burst = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Chat.SendAsync(cluster.FacadeClient, Model, clock, ct)))
            .WaitAsync(TimeSpan.FromSeconds(120), ct);
        output.WriteLine("Burst: " + string.Join("; ", burst.Select(o => o.ToString())));
        Assert.All(burst, o => Assert.True(o.Succeeded, o.ToString()));
        Assert.Equal(["llama-a", "llama-b"], burst.Select(o => o.ServiceId!).Distinct().Order(StringComparer.Ordinal));

        // llama-b dies (killed, no goodbye): every request from then on succeeds, on llama-a.
        llamaB.Kill();
        var afterKill = new List<ChatOutcome>();
        for (var round = 0; round < 3; round++)
        {
            afterKill.AddRange(await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Chat.SendAsync(cluster.FacadeClient, Model, clock, ct)))
                .WaitAsync(TimeSpan.FromSeconds(120), ct));
        }

        output.WriteLine("After the kill: " + string.Join("; ", afterKill.Select(o => o.ToString())));
        Assert.All(afterKill, o => Assert.True(o.Succeeded, o.ToString()));
        Assert.All(afterKill, o => Assert.Equal("llama-a", o.ServiceId));

        // Its agent stops too: the host shows stale within the host timeout plus one heartbeat.
        await agentB.StopAsync();
        await Poll.UntilAsync(async () => (await cluster.Cluster.HealthAsync()).StaleHosts.Contains("host-b"),
            budget + TimeSpan.FromSeconds(5), "host-b to show stale", cluster.Logs);
        var staleAfter = DateTimeOffset.UtcNow
            - DateTimeOffset.UnixEpoch.AddSeconds((await cluster.Cluster.HostsAsync()).Single(h => h.HostId == "host-b").Status.LastSeen);
        var view = await cluster.Cluster.ServiceAsync("llama-b");
        output.WriteLine($"8 + {afterKill.Count} requests, {burst.Count(o => !o.Succeeded) + afterKill.Count(o => !o.Succeeded)} failed; "
            + $"burst split a {burst.Count(o => o.ServiceId == "llama-a")} / b {burst.Count(o => o.ServiceId == "llama-b")}; "
            + $"host-b stale {staleAfter.TotalMilliseconds:F0} ms after its last heartbeat (budget {budget.TotalMilliseconds:F0} ms).");
        Assert.True(view is { HostStale: true, Routable: false }, "llama-b is not shown host_stale and unroutable in /v1/cluster/services");
        Assert.True(staleAfter <= budget, $"stale {staleAfter.TotalMilliseconds:F0} ms after the last heartbeat, budget {budget.TotalMilliseconds:F0} ms");
        var last = await Chat.SendAsync(cluster.FacadeClient, Model, clock, ct);
        Assert.True(last.Succeeded && last.ServiceId == "llama-a", last.ToString());
    }
}
