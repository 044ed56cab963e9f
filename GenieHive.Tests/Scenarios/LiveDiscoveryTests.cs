using GenieHive.Tests.Scenarios.Cluster;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Scenarios;

/// <summary>Issue 5, discovery is live: what a llama.cpp engine says about its queue reaches Control with the heartbeats.</summary>
[Collection(ScenarioCollection.Name)]
public sealed class LiveDiscoveryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ALlamaCppEnginesQueueDepthShowsInTheServiceListThroughHeartbeats()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync();
        // One slot and slow streams: the first request holds the slot, the next ones are deferred.
        var engine = cluster.StartSimulator("q", "hive-chat", ("Slots", 1), ("TimeToFirstTokenMs", 0), ("TokensPerSecond", 4));
        await cluster.StartAgentAsync("host-q", new ServiceSpec("chat-q", engine.BaseAddress, AssetId: null, Discover: "llamacpp"));
        await cluster.WaitForTargetsAsync("hive-chat", "chat-q");
        var idle = await cluster.Cluster.ServiceAsync("chat-q");
        Assert.Equal(0, idle!.Observed!.QueueDepth);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var streams = Enumerable.Range(0, 4).Select(_ => OpenStreamAsync(cluster.FacadeClient, cancel.Token)).ToArray();
        try
        {
            var shown = await Poll.UntilAsync(async () => (await cluster.Cluster.ServiceAsync("chat-q"))?.Observed is { QueueDepth: 3, InFlight: 1 },
                TimeSpan.FromSeconds(10), "queue depth 3 and one in flight in /v1/cluster/services", cluster.Logs);
            output.WriteLine($"Queue depth 3 (one processing) shown {shown.TotalMilliseconds:F0} ms after the requests were sent.");
        }
        finally
        {
            await cancel.CancelAsync();
            await Task.WhenAll(streams).WaitAsync(TimeSpan.FromSeconds(20), ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        }

        await Poll.UntilAsync(async () => (await cluster.Cluster.ServiceAsync("chat-q"))?.Observed is { QueueDepth: 0, InFlight: 0 },
            TimeSpan.FromSeconds(10), "the queue to drain in /v1/cluster/services", cluster.Logs);
    }

    // A streaming request that stays open until cancelled.
    private static async Task OpenStreamAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var request = Chat.Request("hive-chat", stream: true, maxTokens: 200);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[4096];
        while (await body.ReadAsync(buffer, cancellationToken) > 0)
        {
        }
    }
}
