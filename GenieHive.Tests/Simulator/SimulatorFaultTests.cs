using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using static GenieHive.Tests.Simulator.SimulatorTestKit;

namespace GenieHive.Tests.Simulator;

public sealed class SimulatorFaultTests
{
    [Fact]
    public async Task ErrorFaultAnswersItsStatusWithRetryAfterForCountRequests()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();
        await SetFaultAsync(client, new JsonObject { ["mode"] = "error", ["status"] = 503, ["count"] = 2, ["retry_after_seconds"] = 7 });

        for (var i = 0; i < 2; i++)
        {
            using var failed = await client.PostAsync("/v1/chat/completions", Json(Chat()), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(7), failed.Headers.RetryAfter?.Delta);
            var error = (await failed.ReadJsonAsync()).GetProperty("error");
            Assert.Equal("unavailable_error", error.GetProperty("type").GetString());
            Assert.Equal(503, error.GetProperty("code").GetInt32());
        }

        using var recovered = await client.PostAsync("/v1/chat/completions", Json(Chat()), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        var stats = await app.StatsAsync(client);
        Assert.Equal(3, stats.GetProperty("requests").GetProperty("chat_completions").GetInt32());
        Assert.Equal(2, stats.GetProperty("faulted").GetInt32());
        Assert.Equal(1, stats.GetProperty("completed").GetInt32());
        Assert.Equal("none", (await app.GetJsonAsync(client, "/sim/faults")).GetProperty("mode").GetString());
    }

    [Fact]
    public async Task FaultAppliesToEmbeddingsAndTranscriptionsToo()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();
        await SetFaultAsync(client, new JsonObject { ["mode"] = "error", ["status"] = 429 });

        using var embeddings = await client.PostAsync("/v1/embeddings", Json("{\"input\":\"x\"}"), TestContext.Current.CancellationToken);
        using var form = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "file", "a.wav" }, { new StringContent("sim-whisper"), "model" } };
        using var transcription = await client.PostAsync("/v1/audio/transcriptions", form, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.TooManyRequests, embeddings.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, transcription.StatusCode);
    }

    [Fact]
    public async Task FaultWithPathsHitsThoseEndpointsAndNotTheModelEndpoints()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();
        await SetFaultAsync(client, new JsonObject { ["mode"] = "error", ["status"] = 503, ["paths"] = new JsonArray("/health", "/metrics"), ["count"] = 2 });

        using var health = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        using var chat = await client.PostAsync("/v1/chat/completions", Json(Chat()), TestContext.Current.CancellationToken);
        using var metrics = await client.GetAsync("/metrics", TestContext.Current.CancellationToken);
        using var healthAgain = await client.GetAsync("/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("unavailable_error", (await health.ReadJsonAsync()).GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.OK, healthAgain.StatusCode);
    }

    [Fact]
    public async Task FaultsCanBeReadAndReset()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        await SetFaultAsync(client, new JsonObject { ["mode"] = "drop_mid_stream", ["after_chunks"] = 2, ["count"] = 5 });
        var current = await app.GetJsonAsync(client, "/sim/faults");
        Assert.Equal("drop_mid_stream", current.GetProperty("mode").GetString());
        Assert.Equal(2, current.GetProperty("after_chunks").GetInt32());
        Assert.Equal(5, current.GetProperty("remaining").GetInt32());

        using var reset = await client.DeleteAsync("/sim/faults", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal("none", (await app.GetJsonAsync(client, "/sim/faults")).GetProperty("mode").GetString());
    }

    [Theory]
    [InlineData("{\"mode\":\"explode\"}")]
    [InlineData("{\"mode\":\"error\",\"status\":42}")]
    [InlineData("{\"mode\":\"error\",\"count\":0}")]
    [InlineData("{\"mode\":\"error\"")]
    [InlineData("{\"mode\":\"stall\",\"delay_ms\":-5}")]
    [InlineData("{\"mode\":\"error\",\"paths\":[\"health\"]}")]
    [InlineData("{\"mode\":\"error\",\"paths\":[\"/sim/stats\"]}")]
    public async Task InvalidFaultAnswers400(string body)
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/sim/faults", Json(body), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", (await response.ReadJsonAsync()).GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task DropMidStreamBreaksTheConnectionAfterTheGivenChunks()
    {
        await using var app = SimulatorApp.OnKestrel();
        using var client = app.CreateClient();
        await SetFaultAsync(client, new JsonObject { ["mode"] = "drop_mid_stream", ["after_chunks"] = 3, ["count"] = 1 });

        using var response = await client.SendAsync(Post("/v1/chat/completions", Chat(maxTokens: 10, stream: true)), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = new List<string>();
        var exception = await Record.ExceptionAsync(async () =>
        {
            await foreach (var data in EventsAsync(response, TestContext.Current.CancellationToken))
            {
                received.Add(data);
            }
        });

        Assert.True(exception is IOException or HttpRequestException, $"expected a broken connection, got {exception}");
        Assert.Equal(3, received.Count);
        Assert.DoesNotContain("[DONE]", received);
    }

    [Fact]
    public async Task DropMidStreamOnAJsonAnswerBreaksTheConnectionBeforeTheBody()
    {
        await using var app = SimulatorApp.OnKestrel();
        using var client = app.CreateClient();
        await SetFaultAsync(client, new JsonObject { ["mode"] = "drop_mid_stream", ["count"] = 1 });

        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("/v1/chat/completions", Json(Chat()), TestContext.Current.CancellationToken));

        using var next = await client.PostAsync("/v1/chat/completions", Json(Chat()), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task StallNeverAnswersAndEndsWhenTheClientGivesUp()
    {
        await using var app = SimulatorApp.OnKestrel();
        using var client = app.CreateClient();
        await SetFaultAsync(client, new JsonObject { ["mode"] = "stall" });
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        giveUp.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.PostAsync("/v1/chat/completions", Json(Chat()), giveUp.Token));

        await EventuallyAsync(async () => (await app.StatsAsync(client)).GetProperty("cancelled").GetInt32() == 1, "the stalled request to be cancelled");
        Assert.Equal(0, (await app.StatsAsync(client)).GetProperty("processing").GetInt32());
    }

    [Fact]
    public async Task SlowHeadersDelaysTheAnswer()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();
        await SetFaultAsync(client, new JsonObject { ["mode"] = "slow_headers", ["delay_ms"] = 300, ["count"] = 1 });

        var watch = Stopwatch.StartNew();
        using var slow = await client.PostAsync("/v1/chat/completions", Json(Chat()), TestContext.Current.CancellationToken);
        var elapsed = watch.Elapsed;

        Assert.Equal(HttpStatusCode.OK, slow.StatusCode);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(280), $"answered after {elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task ClientDisconnectCancelsTheGenerationAndFreesTheSlot()
    {
        await using var app = SimulatorApp.OnKestrel(("Slots", 1), ("TokensPerSecond", 5));
        using var client = app.CreateClient();

        var response = await client.SendAsync(Post("/v1/chat/completions", Chat(maxTokens: 500, stream: true)), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        await using (var events = EventsAsync(response, TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken))
        {
            Assert.True(await events.MoveNextAsync());
        }

        Assert.Equal(1, (await app.StatsAsync(client)).GetProperty("processing").GetInt32());
        response.Dispose();

        await EventuallyAsync(
            async () =>
            {
                var stats = await app.StatsAsync(client);
                return stats.GetProperty("cancelled").GetInt32() == 1 && stats.GetProperty("processing").GetInt32() == 0;
            },
            "the generation to be cancelled and its slot freed");
        var slot = Assert.Single((await app.GetJsonAsync(client, "/slots")).EnumerateArray());
        Assert.False(slot.GetProperty("is_processing").GetBoolean());
        var next = await PostJsonAsync(client, "/v1/chat/completions", Chat(maxTokens: 1));
        Assert.Equal(1, next.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(0, (await app.StatsAsync(client)).GetProperty("completed").GetInt32() - 1);
    }

    [Fact]
    public async Task StatsCanBeReset()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();
        await PostJsonAsync(client, "/v1/chat/completions", Chat());

        using var reset = await client.DeleteAsync("/sim/stats", TestContext.Current.CancellationToken);
        var stats = await app.StatsAsync(client);

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal(0, stats.GetProperty("requests").GetProperty("total").GetInt32());
        Assert.Equal(0, stats.GetProperty("completed").GetInt32());
    }

    private static async Task SetFaultAsync(HttpClient client, JsonObject fault)
    {
        using var response = await client.PostAsync("/sim/faults", Json(fault), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(fault["mode"]!.GetValue<string>(), (await response.ReadJsonAsync()).GetProperty("mode").GetString());
    }
}
