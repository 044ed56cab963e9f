using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GenieHive.Facade;
using GenieHive.Simulator;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Control.Replicas;

/// <summary>
/// Named keys across two Control replicas on one real PostgreSQL (issue 17), over real HTTP: each replica on its own
/// socket with a facade watching it, a simulated engine behind both. A key created, disabled, re-enabled, rotated or
/// deleted through one replica takes effect on the facade watching the other within the 5 s the contract allows (each
/// timed), both replicas list the same keys and usage, and usage counted on one replica exhausts a budget on the other.
/// </summary>
[Collection(ControlProcessCollection.Name)]
public sealed class ReplicaKeyTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryKeyChangeThroughOneReplicaTakesEffectOnTheFacadeWatchingTheOther()
    {
        await using var cluster = await KeyedReplicas.StartAsync();
        var (a, b) = (cluster.ReplicaA, cluster.ReplicaB);

        // Created on A: chats through the facade that watches B.
        var created = await CreateAsync(a, """{"name":"shared-app","scopes":["inference"],"monthly_token_limit":1000000}""");
        var id = created.GetProperty("id").GetString()!;
        var key = created.GetProperty("key").GetString()!;
        await TimedAsync("a key created on A to chat through the facade watching B", () => cluster.ChatAsync(cluster.FacadeB, key, HttpStatusCode.OK), cluster);
        Assert.Equal(HttpStatusCode.OK, await cluster.ChatStatusAsync(cluster.FacadeA, key));

        // Disabled on B: refused by the facade that watches A.
        await ChangeAsync(b, $"/v1/admin/keys/{id}/disable");
        await TimedAsync("a key disabled on B to be refused by the facade watching A", () => cluster.ChatAsync(cluster.FacadeA, key, HttpStatusCode.Unauthorized), cluster);

        // Enabled again on A: chats through the facade that watches B.
        await ChangeAsync(a, $"/v1/admin/keys/{id}/enable");
        await TimedAsync("a key enabled again on A to chat through the facade watching B", () => cluster.ChatAsync(cluster.FacadeB, key, HttpStatusCode.OK), cluster);

        // Rotated on B: on the facade that watches A the new secret chats and the old one is refused.
        var rotated = (await ChangeAsync(b, $"/v1/admin/keys/{id}/rotate")).GetProperty("key").GetString()!;
        await TimedAsync("a key rotated on B to take its new secret on the facade watching A", async () =>
            await cluster.ChatAsync(cluster.FacadeA, rotated, HttpStatusCode.OK) && await cluster.ChatAsync(cluster.FacadeA, key, HttpStatusCode.Unauthorized), cluster);

        // Both replicas list the same keys, with the usage both facades reported, each to its own replica.
        var listed = await TimedAsync("both replicas to list the same keys and usage", async () =>
            await ListAsync(a) is var onA && onA == await ListAsync(b) && UsedTokens(onA, id) > 0, cluster);
        Assert.Contains("\"shared-app\"", await ListAsync(b), StringComparison.Ordinal);

        // Deleted on A: refused by the facade that watches B, and listed by neither replica.
        using (var deleted = await a.DeleteAsync($"/v1/admin/keys/{id}", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        await TimedAsync("a key deleted on A to be refused by the facade watching B", () => cluster.ChatAsync(cluster.FacadeB, rotated, HttpStatusCode.Unauthorized), cluster);
        await TimedAsync("neither replica to list the deleted key", async () =>
            !(await ListAsync(a)).Contains(id, StringComparison.Ordinal) && !(await ListAsync(b)).Contains(id, StringComparison.Ordinal), cluster);
        output.WriteLine($"usage listed alike after {listed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task UsageReportedToOneReplicaExhaustsTheBudgetOnTheFacadeWatchingTheOther()
    {
        await using var cluster = await KeyedReplicas.StartAsync();
        var created = await CreateAsync(cluster.ReplicaB, """{"name":"tiny-budget","scopes":["inference"],"monthly_token_limit":1}""");
        var key = created.GetProperty("key").GetString()!;
        await TimedAsync("the key to chat through the facade watching B", () => cluster.ChatAsync(cluster.FacadeB, key, HttpStatusCode.OK), cluster);

        // The facade watching A never carried this key's traffic: only B's usage, shared, can refuse it there.
        var refusal = "";
        await TimedAsync("usage counted on B to exhaust the budget on the facade watching A", async () =>
        {
            using var response = await cluster.SendChatAsync(cluster.FacadeA, key);
            refusal = await response.Content.ReadAsStringAsync(Ct);
            return response.StatusCode == HttpStatusCode.TooManyRequests;
        }, cluster, Propagation + TimeSpan.FromSeconds(2));
        Assert.Contains("budget_exceeded", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyDisabledOnOneReplicaAndRotatedOnTheOtherAtOnceEndsDisabledWithTheNewSecretOnBoth()
    {
        await using var replicas = await TwoReplicas.StartAsync();
        var (a, b) = (replicas.First, replicas.Second);
        for (var round = 0; round < 5; round++)
        {
            // Each replica changes the key as stored, not its own copy: neither change undoes the other.
            var id = (await CreateAsync(a, $$"""{"name":"contested-{{round}}","scopes":["inference"]}""")).GetProperty("id").GetString()!;
            using var start = new Barrier(2);
            var answers = await Task.WhenAll(new[] { (a, "disable"), (b, "rotate") }.Select(change => Task.Run(async () =>
            {
                start.SignalAndWait(Ct);
                using var response = await change.Item1.PostAsync($"/v1/admin/keys/{id}/{change.Item2}", null, Ct);
                return response.StatusCode;
            }, Ct)));

            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], answers);
            foreach (var replica in new[] { a, b })
            {
                var key = await Eventually.ValueAsync(
                    async () => JsonDocument.Parse(await ListAsync(replica)).RootElement.GetProperty("data").EnumerateArray().Single(k => k.GetProperty("id").GetString() == id),
                    key => !key.GetProperty("enabled").GetBoolean() && key.GetProperty("rotated_at").GetDouble() > key.GetProperty("created_at").GetDouble(),
                    $"both replicas to list key {id} disabled and rotated", Propagation);
                Assert.False(key.GetProperty("enabled").GetBoolean());
            }
        }
    }

    /// <summary>Waits for <paramref name="condition"/> and asserts it held within <paramref name="bound"/> (the contract's 5 s unless given).</summary>
    private async Task<TimeSpan> TimedAsync(string what, Func<Task<bool>> condition, KeyedReplicas cluster, TimeSpan? bound = null)
    {
        var limit = bound ?? Propagation;
        var took = await Eventually.UntilAsync(condition, what, limit, () => cluster.Logs.Tail());
        output.WriteLine($"{what}: {took.TotalMilliseconds:F0} ms");
        Assert.True(took < Eventually.Seconds(limit.TotalSeconds), $"{what} took {took.TotalMilliseconds:F0} ms");
        return took;
    }

    private static async Task<JsonElement> CreateAsync(HttpClient replica, string json)
    {
        using var response = await replica.PostAsync("/v1/admin/keys", new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static async Task<JsonElement> ChangeAsync(HttpClient replica, string path)
    {
        using var response = await replica.PostAsync(path, null, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static Task<string> ListAsync(HttpClient replica) => replica.GetStringAsync("/v1/admin/keys", Ct);

    private static long UsedTokens(string list, string id) =>
        JsonDocument.Parse(list).RootElement.GetProperty("data").EnumerateArray()
            .Single(k => k.GetProperty("id").GetString() == id).GetProperty("monthly_tokens_used").GetInt64();

    /// <summary>Two replicas on sockets, a facade watching each, and an agent (registered with A) serving hive-chat from a simulator.</summary>
    private sealed class KeyedReplicas : IAsyncDisposable
    {
        private readonly TwoReplicas _replicas;
        private readonly SimulatorNode _engine;
        private readonly AgentNode _agent;
        private readonly HttpClient _toA;
        private readonly HttpClient _toB;

        private KeyedReplicas(TwoReplicas replicas, LogSink logs, SimulatorNode engine, FacadeNode facadeA, FacadeNode facadeB, AgentNode agent)
        {
            _replicas = replicas;
            Logs = logs;
            _engine = engine;
            FacadeA = facadeA;
            FacadeB = facadeB;
            _agent = agent;
            _toA = facadeA.App.NewClient();
            _toB = facadeB.App.NewClient();
            ReplicaA = Admin(replicas.First);
            ReplicaB = Admin(replicas.Second);
        }

        public LogSink Logs { get; }

        public HttpClient ReplicaA { get; }

        public HttpClient ReplicaB { get; }

        public FacadeNode FacadeA { get; }

        public FacadeNode FacadeB { get; }

        public static async Task<KeyedReplicas> StartAsync()
        {
            var options = new ClusterOptions { InvalidKeysPerMinute = 0, FacadeSettings = new Dictionary<string, string?> { ["GenieHive:Audit:ReportIntervalSeconds"] = "0.2" } };
            var parts = new ClusterSettings(options);
            var replicas = await TwoReplicas.StartOnSocketsAsync(parts.Control(null));
            var logs = new LogSink();
            var engine = new SimulatorNode("keys", ClusterApp<SimulatorMarker>.Start("sim:keys", parts.Simulator([("ChatModels:0", "hive-chat")]), logs));
            var facadeA = new FacadeNode(ClusterApp<FacadeMarker>.Start("facade-a", parts.Facade(replicas.FirstUrl), logs));
            var facadeB = new FacadeNode(ClusterApp<FacadeMarker>.Start("facade-b", parts.Facade(replicas.SecondUrl), logs));
            var agent = new AgentNode("keys-host", parts.Agent(replicas.FirstUrl, "keys-host", [new ServiceSpec("keys-chat", engine.BaseAddress, "hive-chat")]), logs);
            agent.Start();
            var cluster = new KeyedReplicas(replicas, logs, engine, facadeA, facadeB, agent);
            foreach (var facade in new[] { facadeA, facadeB })
            {
                await Eventually.UntilAsync(
                    () => facade.Routing.Current?.Find("hive-chat", "chat")?.Targets.Any(target => target.ServiceId == "keys-chat") == true,
                    "both facades to route hive-chat", TimeSpan.FromSeconds(20), () => logs.Tail());
            }

            return cluster;
        }

        /// <summary>One chat through <paramref name="facade"/> with <paramref name="key"/>; true when it answered <paramref name="expected"/>.</summary>
        public async Task<bool> ChatAsync(FacadeNode facade, string key, HttpStatusCode expected) => await ChatStatusAsync(facade, key) == expected;

        public async Task<HttpStatusCode> ChatStatusAsync(FacadeNode facade, string key)
        {
            using var response = await SendChatAsync(facade, key);
            return response.StatusCode;
        }

        public Task<HttpResponseMessage> SendChatAsync(FacadeNode facade, string key)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = new StringContent("""{"model":"hive-chat","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return (facade == FacadeA ? _toA : _toB).SendAsync(request, Ct);
        }

        public async ValueTask DisposeAsync()
        {
            _toA.Dispose();
            _toB.Dispose();
            await _agent.DisposeAsync();
            await FacadeA.DisposeAsync();
            await FacadeB.DisposeAsync();
            await _engine.DisposeAsync();
            await _replicas.DisposeAsync();
        }

        private static HttpClient Admin(HttpClient replica)
        {
            replica.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestCluster.ClientKey);
            return replica;
        }
    }
}
