using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using GenieHive.Contracts.Cluster;
using GenieHive.Control.Storage;
using GenieHive.Facade;
using GenieHive.Simulator;
using GenieHive.Tests.Control.Storage;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Control.Replicas;

/// <summary>
/// The kill drill of issue 17: two Control replicas as real processes on one real PostgreSQL, a facade and a node agent
/// given both URLs (<c>services:control:http:0</c> and <c>:1</c>), and the replica they use killed with SIGKILL while a
/// client sends chat requests through the facade without pause.
/// </summary>
[Collection(ControlProcessCollection.Name)]
public sealed class ReplicaKillTests
{
    private const int HostTimeoutSeconds = 3;

    [Fact]
    public async Task KillingTheReplicaInUseFailsNoClientRequestAndTheHostStaysFreshOnTheSurvivor()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var storage = await TestStorage.CreateAsync(StorageProviders.Postgres);
        var logs = new LogSink();
        var options = new ClusterOptions { HostTimeoutSeconds = HostTimeoutSeconds };
        var controlSettings = new ClusterSettings(options).Control(null)
            .Concat(storage.Settings)
            .Where(setting => setting.Value is { Length: > 0 })
            .ToDictionary(setting => setting.Key, setting => setting.Value!, StringComparer.OrdinalIgnoreCase);
        await using var doomed = await ControlProcess.StartAsync(ControlFactory.NewDatabasePath(), controlSettings);
        await using var survivor = await ControlProcess.StartAsync(ControlFactory.NewDatabasePath(), controlSettings);

        // Facade and agent use the doomed replica first, the survivor second.
        var parts = new ClusterSettings(options with { LeadingControlUrls = [Url(doomed)] });
        await using var simulator = new SimulatorNode("a", ClusterApp<SimulatorMarker>.Start("sim:a", parts.Simulator([("ChatModels:0", "hive-chat")]), logs));
        await using var facade = new FacadeNode(ClusterApp<FacadeMarker>.Start("facade", parts.Facade(Url(survivor)), logs));
        await using var agent = new AgentNode("drill-host", parts.Agent(Url(survivor), "drill-host", [new ServiceSpec("drill-chat", simulator.BaseAddress, "hive-chat")]), logs);
        agent.Start();
        using var operatorClient = survivor.CreateClient();
        operatorClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestCluster.ClientKey);
        await Eventually.UntilAsync(
            () => facade.Routing.Current?.Find("hive-chat", "chat")?.Targets.Any(target => target.ServiceId == "drill-chat") == true,
            "the facade to route hive-chat to the agent's service", TimeSpan.FromSeconds(20), () => logs.Tail());
        await Eventually.UntilAsync(async () => (await HostAsync(operatorClient)) is { Status.Stale: false }, "the survivor to know the host", TimeSpan.FromSeconds(10), () => logs.Tail());

        using var client = facade.App.NewClient(TimeSpan.FromSeconds(30));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestCluster.ClientKey);
        var failures = new ConcurrentQueue<string>();
        long sent = 0;
        long sentAtKill = -1;
        using var stop = new CancellationTokenSource();
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var stream = Interlocked.Read(ref sent) % 2 == 1;
                using var body = new StringContent(
                    $$"""{"model":"hive-chat","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");
                using var response = await client.PostAsync("/v1/chat/completions", body, ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                if (response.StatusCode != HttpStatusCode.OK || (stream && !text.Contains("[DONE]", StringComparison.Ordinal)))
                {
                    failures.Enqueue($"{(int)response.StatusCode}: {text}");
                }

                Interlocked.Increment(ref sent);
            }
        }, ct);

        await Eventually.UntilAsync(() => Interlocked.Read(ref sent) >= 20, "requests to flow before the kill", TimeSpan.FromSeconds(20), () => logs.Tail());
        var lastSeenAtKill = (await HostAsync(operatorClient))!.Status.LastSeen;
        doomed.Kill();
        Interlocked.Exchange(ref sentAtKill, Interlocked.Read(ref sent));

        // Three host timeouts after the kill: the survivor keeps the host fresh from the agent's heartbeats.
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        var sinceKill = Stopwatch.StartNew();
        HostView? host;
        do
        {
            host = await HostAsync(operatorClient);
            Assert.True(host is { Status.Stale: false }, $"the survivor shows the host {(host is null ? "missing" : "stale")} {sinceKill.Elapsed.TotalSeconds:F1} s after the kill\n{logs.Tail()}");
        }
        while (sinceKill.Elapsed < TimeSpan.FromSeconds(3 * HostTimeoutSeconds) && await pace.WaitForNextTickAsync(ct));

        await stop.CancelAsync();
        await load.WaitAsync(TimeSpan.FromSeconds(30), ct);
        var afterKill = Interlocked.Read(ref sent) - sentAtKill;
        TestContext.Current.TestOutputHelper?.WriteLine($"{sent} requests, {afterKill} after the kill, {failures.Count} failed");
        Assert.True(failures.IsEmpty, $"{failures.Count} of {sent} requests failed, first: {failures.FirstOrDefault()}\n{logs.Tail()}");
        Assert.True(afterKill >= 20, $"only {afterKill} requests after the kill");
        Assert.True(host!.Status.LastSeen > lastSeenAtKill + 2 * HostTimeoutSeconds, $"last seen {host.Status.LastSeen}, at the kill {lastSeenAtKill}");
    }

    private static string Url(ControlProcess control) => control.BaseAddress.ToString().TrimEnd('/');

    private static async Task<HostView?> HostAsync(HttpClient client) =>
        (await client.HostsAsync()).SingleOrDefault(host => host.HostId == "drill-host");
}
