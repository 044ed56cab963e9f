using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using GenieHive.Tests.Scenarios.Cluster;
using GenieHive.Tests.Testing;
using Microsoft.Extensions.Logging;
using OpenAI;
using OpenAI.Chat;

namespace GenieHive.Tests.Scenarios;

/// <summary>
/// Issue 18, named keys, across a running cluster (Control on SQLite, two facades, a simulated engine, all over real
/// HTTP) driven with the OpenAI client: scopes and model allowlists refuse with 403, a 5-per-minute key's sixth
/// request is a 429 with Retry-After, the audit shows it all with tokens and no prompt text (and survives a restart of
/// Control), a disabled key is refused by every facade within 5 s, repeated invalid keys from one address are slowed
/// without touching other clients, and no raw key is ever logged.
/// </summary>
[Collection(ScenarioCollection.Name)]
public sealed class NamedKeyTests(ITestOutputHelper output)
{
    private const string PromptText = "the-secret-prompt-words-7d1e";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NamedKeysHoldOnlyTheirScopesModelsAndLimitsOnEveryFacade()
    {
        await using var cluster = await TestCluster.StartAsync(new ClusterOptions { LogLevel = LogLevel.Debug });
        var allowed = cluster.StartSimulator("k1", "hive-chat");
        var other = cluster.StartSimulator("k2", "other-chat");
        await cluster.StartAgentAsync("host-k",
            new ServiceSpec("chat-hive", allowed.BaseAddress, "hive-chat"),
            new ServiceSpec("chat-other", other.BaseAddress, "other-chat"));
        await cluster.WaitForTargetsAsync("hive-chat", "chat-hive");
        await cluster.WaitForTargetsAsync("other-chat", "chat-other");
        var second = await cluster.StartFacadeAsync("facade-2", new Dictionary<string, string?> { ["GenieHive:Auth:InvalidKeysPerMinute"] = "5" });
        await Poll.UntilAsync(() => Task.FromResult(second.Routing.Current?.Find("hive-chat", "chat") is not null), Bound, "facade 2 to route hive-chat", cluster.Logs);

        // Keys are issued through the facade's re-exposed admin API with the configured (every-scope) key.
        var admin = cluster.FacadeClient;
        var app = await CreateAsync(admin, """{"name":"app-a","scopes":["inference"],"models":["hive-*"],"requests_per_minute":5}""");
        var ops = await CreateAsync(admin, """{"name":"ops","scopes":["operator.read"]}""");
        var appKey = app.GetProperty("key").GetString()!;
        var appId = app.GetProperty("id").GetString()!;
        var opsKey = ops.GetProperty("key").GetString()!;
        Assert.StartsWith("gh-" + appId + "-", appKey, StringComparison.Ordinal);

        var listed = await admin.GetStringAsync("/v1/admin/keys", Ct);
        Assert.Contains("\"app-a\"", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(appKey, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(appKey[^43..], listed, StringComparison.Ordinal);
        Assert.DoesNotContain("\"key\"", listed, StringComparison.Ordinal);

        await Poll.UntilAsync(() => Task.FromResult(cluster.Facade.Keys.Named.Count == 2 && second.Keys.Named.Count == 2), TimeSpan.FromSeconds(5),
            "both facades to hold the two new keys", cluster.Logs);

        // Inference only, on hive-* models: chats (JSON and streamed), is refused other models and the operator/admin APIs.
        var chat = Sdk(cluster.Facade, appKey).GetChatClient("hive-chat");
        var first = await chat.CompleteChatAsync([new UserChatMessage(PromptText)], cancellationToken: Ct).WaitAsync(Bound, Ct);
        Assert.True(first.Value.Usage.OutputTokenCount > 0);
        var streamed = 0;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage(PromptText)], cancellationToken: Ct))
        {
            streamed += update.ContentUpdate.Count;
        }

        Assert.True(streamed > 0);
        var notAllowed = await CatchAsync(() => Sdk(cluster.Facade, appKey).GetChatClient("other-chat").CompleteChatAsync([new UserChatMessage(PromptText)], cancellationToken: Ct));
        Assert.Equal(403, notAllowed.Status);
        Assert.Contains("model_not_allowed", notAllowed.GetRawResponse()!.Content.ToString(), StringComparison.Ordinal);

        using var appHttp = Client(cluster.Facade, appKey);
        await AssertRefusedAsync(appHttp, HttpMethod.Get, "/v1/cluster/hosts", 403, "insufficient_scope");
        await AssertRefusedAsync(appHttp, HttpMethod.Get, "/v1/admin/keys", 403, "insufficient_scope");
        await AssertRefusedAsync(appHttp, HttpMethod.Get, "/v1/admin/audit", 403, "insufficient_scope");
        var models = await appHttp.GetStringAsync("/v1/models", Ct);
        Assert.Contains("\"hive-chat\"", models, StringComparison.Ordinal);
        Assert.DoesNotContain("\"other-chat\"", models, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await appHttp.GetAsync("/v1/models/other-chat", Ct)).StatusCode);
        using var appOnControl = Client(cluster.Control.BaseAddress, appKey);
        await AssertRefusedAsync(appOnControl, HttpMethod.Get, "/v1/cluster/hosts", 403, "insufficient_scope");

        // operator.read reads the cluster (through the facade and on Control) and can neither chat nor start a run.
        using var opsHttp = Client(cluster.Facade, opsKey);
        Assert.Equal(HttpStatusCode.OK, (await opsHttp.GetAsync("/v1/cluster/hosts", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await opsHttp.GetAsync("/v1/console/requests", Ct)).StatusCode);
        using var opsOnControl = Client(cluster.Control.BaseAddress, opsKey);
        Assert.Equal(HttpStatusCode.OK, (await opsOnControl.GetAsync("/v1/cluster/services", Ct)).StatusCode);
        var opsChat = await CatchAsync(() => Sdk(cluster.Facade, opsKey).GetChatClient("hive-chat").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));
        Assert.Equal(403, opsChat.Status);
        Assert.Contains("insufficient_scope", opsChat.GetRawResponse()!.Content.ToString(), StringComparison.Ordinal);
        await AssertRefusedAsync(opsHttp, HttpMethod.Post, "/v1/cluster/benchmarks/runs", 403, "insufficient_scope", """{"workload":"chat-basic"}""");
        await AssertRefusedAsync(opsOnControl, HttpMethod.Post, "/v1/cluster/benchmarks/runs", 403, "insufficient_scope", """{"workload":"chat-basic"}""");

        // Five requests a minute: two went through above, three more do, the sixth is a 429 with Retry-After.
        for (var i = 0; i < 3; i++)
        {
            await chat.CompleteChatAsync([new UserChatMessage(PromptText)], cancellationToken: Ct).WaitAsync(Bound, Ct);
        }

        var limited = await CatchAsync(() => chat.CompleteChatAsync([new UserChatMessage(PromptText)], cancellationToken: Ct));
        Assert.Equal(429, limited.Status);
        var raw = limited.GetRawResponse()!;
        Assert.Contains("rate_limit_exceeded", raw.Content.ToString(), StringComparison.Ordinal);
        Assert.True(raw.Headers.TryGetValue("Retry-After", out var retryAfter) && int.Parse(retryAfter!, System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60,
            "Retry-After: " + retryAfter);

        // The audit: the 200s with tokens, the 403s and the 429, and never the prompt.
        var audit = await WaitForAuditAsync(admin, appId, records =>
            records.Count(r => r.Status == 200) >= 5 && records.Any(r => r.Code == "model_not_allowed") && records.Any(r => r.Code == "rate_limit_exceeded")
            && records.Any(r => r.Code == "insufficient_scope"), cluster.Logs);
        Assert.All(audit.Records.Where(r => r.Status == 200), r => Assert.True(r.PromptTokens + r.CompletionTokens > 0, "a 200 without tokens"));
        Assert.All(audit.Records.Where(r => r.Status == 200), r => Assert.Equal("chat-hive", r.ServiceId));
        Assert.Contains(audit.Records, r => r.Status == 429 && r.Model == "hive-chat");
        Assert.DoesNotContain(PromptText, audit.Body, StringComparison.Ordinal);

        // Paging: two at a time, newest first, the cursor leads to older records without repeats.
        var page1 = await admin.GetFromJsonAsync<JsonElement>($"/v1/admin/audit?key_id={appId}&limit=2", Ct);
        var before = page1.GetProperty("next_before").GetInt64();
        var page2 = await admin.GetFromJsonAsync<JsonElement>($"/v1/admin/audit?key_id={appId}&limit=2&before={before}", Ct);
        var ids1 = page1.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetInt64()).ToList();
        var ids2 = page2.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(2, ids2.Count);
        Assert.True(ids1.Min() > ids2.Max());

        // Disabled through one facade: refused by both within 5 s, without any request of theirs reaching Control.
        using (var disable = await admin.PostAsync($"/v1/admin/keys/{appId}/disable", null, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        }

        var clock = Stopwatch.StartNew();
        using var appOnSecond = Client(second, appKey);
        await Poll.UntilAsync(async () =>
            (await appHttp.GetAsync("/v1/models", Ct)).StatusCode == HttpStatusCode.Unauthorized
            && (await appOnSecond.GetAsync("/v1/models", Ct)).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(5), "both facades to refuse the disabled key", cluster.Logs);
        output.WriteLine($"disabled key refused by both facades after {clock.ElapsedMilliseconds} ms");

        // Repeated invalid keys from one address (127.0.0.2) are slowed to 429; a valid client beside it is not.
        using var guesser = FromAddress(second.App.BaseAddress, IPAddress.Parse("127.0.0.2"));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
            request.Headers.Add("X-Api-Key", "gh-0123456789abcdef-" + new string('A', 43));
            using var response = await guesser.SendAsync(request, Ct);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
            }
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        using var opsOnSecond = Client(second, opsKey);
        Assert.Equal(HttpStatusCode.OK, (await opsOnSecond.GetAsync("/v1/cluster/hosts", Ct)).StatusCode);

        // The audit and the keys survive a restart of Control.
        await cluster.Control.StopAsync();
        cluster.Control.Start();
        using var control = Client(cluster.Control.BaseAddress, TestCluster.ClientKey);
        var kept = await control.GetFromJsonAsync<JsonElement>($"/v1/admin/audit?key_id={appId}", Ct);
        Assert.True(kept.GetProperty("data").GetArrayLength() >= audit.Records.Count);
        var keys = await control.GetFromJsonAsync<JsonElement>("/v1/admin/keys", Ct);
        var stored = keys.GetProperty("data").EnumerateArray().Single(k => k.GetProperty("id").GetString() == appId);
        Assert.False(stored.GetProperty("enabled").GetBoolean());
        Assert.True(stored.GetProperty("monthly_tokens_used").GetInt64() > 0);
        Assert.Equal(HttpStatusCode.OK, (await opsOnControl.GetAsync("/v1/cluster/hosts", Ct)).StatusCode);

        // No raw key, nor its secret, in any line any service logged at Debug.
        var leaks = cluster.Logs.Entries.Where(e => new[] { appKey, opsKey, appKey[^43..], opsKey[^43..] }.Any(k => e.Text.Contains(k, StringComparison.Ordinal))).ToList();
        Assert.True(leaks.Count == 0, "raw key logged: " + string.Join(" | ", leaks.Take(3).Select(e => e.App + " " + e.Category)));
    }

    [Fact]
    public async Task AStreamOfATokenLimitedKeyIsCountedFromUsageTheClientDidNotAskFor()
    {
        await using var cluster = await TestCluster.StartAsync();
        var engine = cluster.StartSimulator("u1", "hive-chat");
        await cluster.StartAgentAsync("host-u", new ServiceSpec("chat-u", engine.BaseAddress, "hive-chat"));
        await cluster.WaitForTargetsAsync("hive-chat", "chat-u");
        var created = await CreateAsync(cluster.FacadeClient, """{"name":"metered","scopes":["inference"],"tokens_per_minute":100000}""");
        var key = created.GetProperty("key").GetString()!;
        var id = created.GetProperty("id").GetString()!;
        await Poll.UntilAsync(() => Task.FromResult(cluster.Facade.Keys.Named.Count == 1), TimeSpan.FromSeconds(5), "the facade to hold the key", cluster.Logs);
        using var client = Client(cluster.Facade, key);

        async Task<string> StreamAsync(string extra)
        {
            var json = "{\"model\":\"hive-chat\",\"stream\":true" + extra + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + PromptText + "\"}]}";
            using var response = await client.PostAsync("/v1/chat/completions", new StringContent(json, Encoding.UTF8, "application/json"), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync(Ct);
        }

        // Not asked: the facade asks the engine for usage and strips the usage event again.
        var plain = await StreamAsync("");
        Assert.Contains("[DONE]", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("\"choices\":[]", plain, StringComparison.Ordinal);
        Assert.DoesNotContain("\"usage\"", plain, StringComparison.Ordinal);

        // Asked: the client's usage event reaches it as it came.
        var asked = await StreamAsync(",\"stream_options\":{\"include_usage\":true}");
        Assert.Contains("\"choices\":[]", asked, StringComparison.Ordinal);
        Assert.Contains("\"prompt_tokens\"", asked, StringComparison.Ordinal);

        // Both counted from the engine's usage: prompt tokens are only known from it (content chunks give none).
        var audit = await WaitForAuditAsync(cluster.FacadeClient, id, records => records.Count(r => r.Status == 200) == 2, cluster.Logs);
        Assert.All(audit.Records, r => Assert.True(r.PromptTokens > 0 && r.CompletionTokens == 8, $"prompt {r.PromptTokens}, completion {r.CompletionTokens}"));
    }

    [Fact]
    public async Task EveryAuditRecordReachesAControlWhoseBodyLimitIsSmallerThanABatch()
    {
        // 8 KB holds about 20 records: the first batch of 150 is refused as too large (413), so the facade must split it.
        await using var cluster = await TestCluster.StartAsync(new ClusterOptions
        {
            ControlSettings = new Dictionary<string, string?> { ["GenieHive:ControlApi:MaxRequestBodyBytes"] = "8192" },
            FacadeSettings = new Dictionary<string, string?> { ["GenieHive:Audit:ReportIntervalSeconds"] = "2" },
        });
        var engine = cluster.StartSimulator("a1", "hive-chat");
        await cluster.StartAgentAsync("host-a", new ServiceSpec("chat-a", engine.BaseAddress, "hive-chat"));
        await cluster.WaitForTargetsAsync("hive-chat", "chat-a");
        var created = await CreateAsync(cluster.FacadeClient, """{"name":"busy","scopes":["inference"]}""");
        var key = created.GetProperty("key").GetString()!;
        var id = created.GetProperty("id").GetString()!;
        await Poll.UntilAsync(() => Task.FromResult(cluster.Facade.Keys.Named.Count == 1), TimeSpan.FromSeconds(5), "the facade to hold the key", cluster.Logs);
        using var client = Client(cluster.Facade, key);

        const int Requests = 150;
        var statuses = await Task.WhenAll(Enumerable.Range(0, Requests).Select(async i =>
        {
            var json = "{\"model\":\"hive-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"turn " + i + "\"}]}";
            using var response = await client.PostAsync("/v1/chat/completions", new StringContent(json, Encoding.UTF8, "application/json"), Ct);
            return response.StatusCode;
        }));
        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));

        await Poll.UntilAsync(async () =>
        {
            var page = await cluster.FacadeClient.GetFromJsonAsync<JsonElement>($"/v1/admin/audit?key_id={id}&limit=1000", Ct);
            return page.GetProperty("data").GetArrayLength() == Requests;
        }, Bound, "every request's audit record to reach Control", cluster.Logs);
        Assert.Contains(cluster.Logs.Entries, entry => entry.App == "facade" && entry.Text.Contains("as too large (413)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheCommandLineCreatesListsRotatesDisablesAndDeletesKeys()
    {
        await using var cluster = await TestCluster.StartAsync();
        var url = cluster.Facade.App.BaseAddress.ToString();

        var created = await CliAsync(url, "keys", "create", "billing-app", "--scope", "inference", "--model", "hive-*", "--rpm", "60");
        Assert.Equal(0, created.ExitCode);
        var key = created.Output.Split('\n').Select(line => line.Trim()).Single(line => line.StartsWith("gh-", StringComparison.Ordinal));
        var id = key.Substring(3, 16);

        var listed = await CliAsync(url, "keys", "list");
        Assert.Equal(0, listed.ExitCode);
        Assert.Matches(id + @"\s+billing-app\s+inference\s+hive-\*\s+60\s+-\s+-\s+0\s+yes", listed.Output);
        Assert.DoesNotContain(key, listed.Output, StringComparison.Ordinal);

        using var old = Client(cluster.Facade, key);
        await Poll.UntilAsync(async () => (await old.GetAsync("/v1/models", Ct)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(5), "the new key to work", cluster.Logs);

        // Rotation without a restart: the new secret works and the old one stops, within the watch's reach.
        var rotated = await CliAsync(url, "keys", "rotate", id);
        Assert.Equal(0, rotated.ExitCode);
        var newKey = rotated.Output.Split('\n').Select(line => line.Trim()).Single(line => line.StartsWith("gh-", StringComparison.Ordinal));
        Assert.NotEqual(key, newKey);
        using var fresh = Client(cluster.Facade, newKey);
        await Poll.UntilAsync(async () => (await old.GetAsync("/v1/models", Ct)).StatusCode == HttpStatusCode.Unauthorized
            && (await fresh.GetAsync("/v1/models", Ct)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(5), "the rotated key to replace the old", cluster.Logs);

        Assert.Equal(0, (await CliAsync(url, "keys", "disable", id)).ExitCode);
        Assert.Matches(id + @".*\s+no", (await CliAsync(url, "keys", "list")).Output);
        Assert.Equal(0, (await CliAsync(url, "keys", "enable", id)).ExitCode);
        Assert.Equal(0, (await CliAsync(url, "keys", "delete", id)).ExitCode);
        Assert.Contains("No named keys.", (await CliAsync(url, "keys", "list")).Output, StringComparison.Ordinal);
        var missing = await CliAsync(url, "keys", "disable", id);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("HTTP 404", missing.Error, StringComparison.Ordinal);
        var badScope = await CliAsync(url, "keys", "create", "x", "--scope", "everything");
        Assert.Equal(1, badScope.ExitCode);
        Assert.Contains("Unknown scope 'everything'", badScope.Error, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> CliAsync(string url, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new Dictionary<string, string?>
        {
            [GenieHive.Cli.ClusterConnection.UrlVariable] = url,
            [GenieHive.Cli.ClusterConnection.KeyVariable] = TestCluster.ClientKey,
        };
        var exitCode = await GenieHive.Cli.CliApplication.RunAsync(args, new GenieHive.Cli.CliConsole(output, error), name => environment.GetValueOrDefault(name), cancellationToken: Ct)
            .WaitAsync(Bound, Ct);
        return (exitCode, output.ToString(), error.ToString());
    }

    private sealed record AuditRow(int Status, string? Code, string? Model, string? ServiceId, long PromptTokens, long CompletionTokens);

    private sealed record AuditRead(List<AuditRow> Records, string Body);

    private static async Task<AuditRead> WaitForAuditAsync(HttpClient admin, string keyId, Func<List<AuditRow>, bool> complete, LogSink logs)
    {
        AuditRead? read = null;
        await Poll.UntilAsync(async () =>
        {
            var body = await admin.GetStringAsync($"/v1/admin/audit?key_id={keyId}&limit=100", Ct);
            using var document = JsonDocument.Parse(body);
            var rows = document.RootElement.GetProperty("data").EnumerateArray().Select(r => new AuditRow(
                r.GetProperty("status_code").GetInt32(),
                r.GetProperty("error_code").GetString(),
                r.GetProperty("model").GetString(),
                r.GetProperty("service_id").GetString(),
                r.GetProperty("prompt_tokens").GetInt64(),
                r.GetProperty("completion_tokens").GetInt64())).ToList();
            read = new AuditRead(rows, body);
            return complete(rows);
        }, Bound, "the audit to show the key's requests", logs);
        return read!;
    }

    private static async Task<JsonElement> CreateAsync(HttpClient admin, string json)
    {
        using var response = await admin.PostAsync("/v1/admin/keys", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonSerializer.Deserialize<JsonElement>(body);
    }

    private static async Task AssertRefusedAsync(HttpClient client, HttpMethod method, string path, int status, string code, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True((int)response.StatusCode == status, $"{method} {path}: {(int)response.StatusCode} {body}");
        Assert.Contains(code, body, StringComparison.Ordinal);
    }

    private static OpenAIClient Sdk(FacadeNode facade, string key) =>
        new(new ApiKeyCredential(key), new OpenAIClientOptions
        {
            Endpoint = new Uri(facade.App.BaseAddress, "/v1"),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        });

    private static HttpClient Client(FacadeNode facade, string key) => Client(facade.App.BaseAddress, key);

    private static HttpClient Client(Uri baseAddress, string key)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = Bound };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    /// <summary>A client whose connections come from <paramref name="source"/> (another loopback address: another client).</summary>
    private static HttpClient FromAddress(Uri baseAddress, IPAddress source)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Bound };
    }

    private static async Task<ClientResultException> CatchAsync(Func<Task> call) =>
        await Assert.ThrowsAsync<ClientResultException>(() => call().WaitAsync(Bound, Ct));
}
