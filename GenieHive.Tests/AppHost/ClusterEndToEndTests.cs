using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using GenieHive.Tests.Control;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace GenieHive.Tests.AppHost;

/// <summary>Chat (JSON and streamed), embeddings and a benchmark run through the whole topology the AppHost starts.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterEndToEndTests(ClusterFixture cluster)
{
    private OpenAIClient CreateOpenAiClient() => new(
        new ApiKeyCredential(ClusterFixture.ClientKey),
        new OpenAIClientOptions { Endpoint = new Uri(cluster.FacadeBaseAddress, "/v1") });

    [Fact]
    public async Task ChatThroughARoleIsAnsweredByASimulatedHost()
    {
        var ct = TestContext.Current.CancellationToken;
        var chat = CreateOpenAiClient().GetChatClient("mentor");

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("How do I reverse a list?")], cancellationToken: ct);

        Assert.False(string.IsNullOrWhiteSpace(completion.Content[0].Text));
        Assert.NotNull(completion.Usage);
        Assert.True(completion.Usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task StreamedChatArrivesInSeveralChunks()
    {
        var ct = TestContext.Current.CancellationToken;
        var chat = CreateOpenAiClient().GetChatClient("qwen3-sim-8b");
        var text = new StringBuilder();
        var chunks = 0;

        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Tell me a story")], cancellationToken: ct))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
                chunks++;
            }
        }

        Assert.True(chunks > 1, $"expected several content chunks, got {chunks}");
        Assert.False(string.IsNullOrWhiteSpace(text.ToString()));
    }

    [Fact]
    public async Task EmbeddingsThroughTheRoleAreDeterministicVectors()
    {
        var ct = TestContext.Current.CancellationToken;
        var embeddings = CreateOpenAiClient().GetEmbeddingClient("embedder");

        OpenAIEmbedding first = await embeddings.GenerateEmbeddingAsync("the cat sat on the mat", cancellationToken: ct);
        OpenAIEmbedding second = await embeddings.GenerateEmbeddingAsync("the cat sat on the mat", cancellationToken: ct);

        var vector = first.ToFloats().ToArray();
        Assert.NotEmpty(vector);
        Assert.Equal(vector, second.ToFloats().ToArray());
    }

    [Fact]
    public async Task ClusterHealthShowsBothSimulatedHostsOnline()
    {
        var ct = TestContext.Current.CancellationToken;

        var health = await cluster.Facade.GetFromJsonAsync<JsonObject>("/v1/cluster/health", ct);

        Assert.Equal(2, health!["online_host_count"]!.GetValue<int>());
        Assert.Equal(0, health["stale_host_count"]!.GetValue<int>());
        Assert.True(health["healthy_service_count"]!.GetValue<int>() >= 5);
    }

    [Fact]
    public async Task WrongKeyUnknownModelAndMalformedJsonGetOpenAiErrors()
    {
        var ct = TestContext.Current.CancellationToken;
        using var anonymous = new HttpClient { BaseAddress = cluster.FacadeBaseAddress };
        using var wrongKey = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        wrongKey.Headers.Add("Authorization", "Bearer not-the-key");

        var unauthorized = await anonymous.SendAsync(wrongKey, ct);
        var unknown = await cluster.Facade.PostAsJsonAsync("/v1/chat/completions",
            new { model = "no-such-model", messages = new[] { new { role = "user", content = "hi" } } }, ct);
        var malformed = await cluster.Facade.PostAsync("/v1/chat/completions",
            new StringContent("{\"model\": \"mentor\", \"messages\": [", Encoding.UTF8, "application/json"), ct);

        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal("invalid_api_key", (await ErrorOf(unauthorized, ct))["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Unknown model or role 'no-such-model'.", (await ErrorOf(unknown, ct))["message"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("invalid_request_error", (await ErrorOf(malformed, ct))["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task ABenchmarkRunStartedThroughTheFacadeIsMeasuredByTheBenchmarker()
    {
        var ct = TestContext.Current.CancellationToken;

        using var started = await cluster.Facade.PostAsJsonAsync("/v1/cluster/benchmarks/runs",
            new { workload = "chat.short_reasoning", role = "mentor" }, ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonObject>(ct))!["id"]!.GetValue<string>();
        var run = await ControlTestData.EventuallyAsync(
            async () => (await cluster.Facade.GetFromJsonAsync<JsonObject>("/v1/cluster/benchmarks/runs/" + id, ct))!,
            r => r["status"]!.GetValue<string>() is "completed" or "failed" or "cancelled", seconds: 90);

        Assert.Equal("completed", run["status"]!.GetValue<string>());
        Assert.StartsWith("benchmarker@", run["worker"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.All(run["targets"]!.AsArray(), target => Assert.NotNull(target!["benchmark_id"]?.GetValue<string>()));
    }

    private static async Task<JsonObject> ErrorOf(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(ct);
        return body!["error"]!.AsObject();
    }
}
