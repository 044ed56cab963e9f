using System.Net;
using System.Net.Sockets;
using System.Text;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Scenarios;

/// <summary>Issue 17, item 3: the facade and the node agent take several Control URLs and use the next when one is dead.</summary>
[Collection(ScenarioCollection.Name)]
public sealed class ControlUrlsTests
{
    [Fact]
    public async Task WithTheFirstControlUrlDeadTheAgentRegistersAndTheFacadeRoutesThroughTheSecond()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(new ClusterOptions { LeadingControlUrls = [ClosedPortUrl()] });
        var sim = cluster.StartSimulator("a", "hive-chat");

        // StartAgentAsync waits until Control lists the host, which it reaches only through the second URL.
        await cluster.StartAgentAsync("host-a", new ServiceSpec("chat-a", sim.BaseAddress, "hive-chat"));
        await cluster.WaitForTargetsAsync("hive-chat", "chat-a");

        using var body = new StringContent("""{"model":"hive-chat","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");
        using var response = await cluster.FacadeClient.PostAsync("/v1/chat/completions", body, ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(ct) + "\n" + cluster.Logs.Tail());
    }

    // A port that was just free and is now closed: connecting is refused at once.
    private static string ClosedPortUrl()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return "http://127.0.0.1:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
