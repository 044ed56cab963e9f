using System.Net;
using System.Text.Json.Nodes;

namespace GenieHive.Tests.Compat;

/// <summary>
/// <c>POST /v1/completions</c> (legacy text completions). The OpenAI .NET SDK 2.x keeps its legacy completion
/// client internal, so these tests speak the wire format with plain HTTP, as the tools that still use it do.
/// </summary>
[Collection(SimulatedClusterCollection.Name)]
public sealed class LegacyCompletionsCompatTests(SimulatedCluster fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(SimulatedCluster.ChatModel)]
    [InlineData(SimulatedCluster.ChatRole)]
    public async Task CompletionAnswersTextCompletionWithUsage(string model)
    {
        var body = await PostAsync("""{"model":"MODEL","prompt":"Once upon a time","max_tokens":5}""".Replace("MODEL", model, StringComparison.Ordinal));

        var json = JsonNode.Parse(body)!;
        Assert.Equal("text_completion", json["object"]!.GetValue<string>());
        var choice = json["choices"]![0]!;
        Assert.False(string.IsNullOrWhiteSpace(choice["text"]!.GetValue<string>()));
        Assert.Equal("length", choice["finish_reason"]!.GetValue<string>());
        Assert.Equal(5, json["usage"]!["completion_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task StreamedCompletionArrivesInSeveralEventsWithUsageAndDone()
    {
        var events = Sse.DataOf(await PostAsync(
            """{"model":"sim-chat","prompt":["Once upon a time"],"max_tokens":6,"stream":true,"stream_options":{"include_usage":true}}""", sse: true));

        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonNode.Parse(e)!).ToList();
        var texts = chunks.Where(c => c["choices"]!.AsArray().Count > 0).Select(c => c["choices"]![0]!["text"]?.GetValue<string>() ?? "").ToList();
        Assert.True(texts.Count(t => t.Length > 0) >= 2, "expected several text chunks, got " + texts.Count);
        Assert.All(chunks, c => Assert.Equal("text_completion", c["object"]!.GetValue<string>()));
        Assert.Equal(6, chunks[^1]["usage"]!["completion_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task StreamedCompletionWithoutStreamOptionsCarriesNoUsageChunk()
    {
        var events = Sse.DataOf(await PostAsync("""{"model":"sim-chat","prompt":"hi","max_tokens":3,"stream":true}""", sse: true));

        Assert.Equal("[DONE]", events[^1]);
        Assert.DoesNotContain(events, e => e.Contains("\"usage\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CompletionWithoutPromptIsA400InOpenAiShape()
    {
        using var response = await fixture.Cluster.FacadeClient.PostAsync("/v1/completions",
            new StringContent("""{"model":"sim-chat"}""", System.Text.Encoding.UTF8, "application/json"), Ct).WaitAsync(Bound, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["error"]!;
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Equal("prompt", error["param"]!.GetValue<string>());
    }

    private async Task<string> PostAsync(string json, bool sse = false)
    {
        using var response = await fixture.Cluster.FacadeClient.PostAsync("/v1/completions", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct)
            .WaitAsync(Bound, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct).WaitAsync(Bound, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal(sse ? "text/event-stream" : "application/json", response.Content.Headers.ContentType?.MediaType);
        return body;
    }
}
