using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GenieHive.Facade.Console;
using Microsoft.Extensions.DependencyInjection;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Compat;

/// <summary>
/// <c>POST /v1/messages</c> on the wire, as Anthropic clients send it (<c>x-api-key</c>, <c>anthropic-version</c>),
/// through a role whose system prompt must reach the engine: translated to chat completions for the simulator,
/// passed through to llama-server.
/// </summary>
public abstract class MessagesCompatTests(ProtocolCluster fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string EnginePath => fixture.Native ? "/v1/messages" : "/v1/chat/completions";

    [Fact]
    public async Task AMessageThroughARoleAnswersAndTheEngineGetsTheRolePromptBeforeTheCallersOwn()
    {
        Assert.SkipUnless(fixture.Available, fixture.SkipReason);

        var (status, body) = await PostAsync("""{"model":"mentor","max_tokens":6,"system":"Be brief.","messages":[{"role":"user","content":"hello"},{"role":"assistant","content":"Hi."},{"role":"user","content":[{"type":"text","text":"tell me more"}]}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var message = JsonNode.Parse(body)!;
        Assert.Equal("message", message["type"]!.GetValue<string>());
        Assert.Equal("assistant", message["role"]!.GetValue<string>());
        Assert.Equal("text", message["content"]![0]!["type"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(message["content"]![0]!["text"]!.GetValue<string>()));
        Assert.Equal("max_tokens", message["stop_reason"]!.GetValue<string>());
        Assert.InRange(message["usage"]!["output_tokens"]!.GetValue<int>(), 1, 6);
        Assert.True(message["usage"]!["input_tokens"]!.GetValue<int>() > 0);

        var received = fixture.Tap.LastBody(EnginePath);
        Assert.Equal(fixture.Model, received["model"]!.GetValue<string>());
        if (fixture.Native)
        {
            Assert.Equal(ProtocolCluster.SystemPrompt + "\n\nBe brief.", received["system"]!.GetValue<string>());
        }
        else
        {
            var messages = received["messages"]!.AsArray();
            Assert.Equal(["system", "system", "user", "assistant", "user"], messages.Select(m => m!["role"]!.GetValue<string>()));
            Assert.Equal(ProtocolCluster.SystemPrompt, messages[0]!["content"]!.GetValue<string>());
            Assert.Equal("Be brief.", messages[1]!["content"]!.GetValue<string>());
            Assert.Equal("tell me more", messages[4]!["content"]!.GetValue<string>());
            Assert.Equal(6, received["max_tokens"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task AStreamedMessageArrivesAsAnthropicsNamedEventsInOrder()
    {
        Assert.SkipUnless(fixture.Available, fixture.SkipReason);

        var (status, body) = await PostAsync("""{"model":"mentor","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"hello"}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var events = NamedEvents(body);
        var names = events.Select(e => e.Name).ToList();
        Assert.Equal("message_start", names[0]);
        Assert.Equal("content_block_start", names[1]);
        Assert.Equal(["content_block_stop", "message_delta", "message_stop"], names[^3..]);
        var deltas = events.Where(e => e.Name == "content_block_delta").ToList();
        Assert.True(deltas.Count >= 2, "expected several deltas, got " + deltas.Count);
        Assert.All(deltas, d => Assert.Equal("text_delta", d.Data["delta"]!["type"]!.GetValue<string>()));
        Assert.All(events, e => Assert.Equal(e.Name, e.Data["type"]!.GetValue<string>()));
        var end = events[^2].Data;
        Assert.Equal("max_tokens", end["delta"]!["stop_reason"]!.GetValue<string>());
        Assert.InRange(end["usage"]!["output_tokens"]!.GetValue<int>(), 1, 5);
        Assert.Equal(ProtocolCluster.SystemPrompt, SystemTextOf(fixture.Tap.LastBody(EnginePath)));
    }

    [Fact]
    public async Task AMessageIsMeteredAndRecordedAsTheRequestPathRecordsChat()
    {
        Assert.SkipUnless(fixture.Available, fixture.SkipReason);
        var recent = fixture.Cluster.Facade.App.Services.GetRequiredService<RecentRequests>();
        var requestId = "messages-metered-" + Guid.NewGuid().ToString("N");

        var (status, _) = await PostAsync("""{"model":"mentor","max_tokens":4,"stream":true,"messages":[{"role":"user","content":"hello"}]}""", requestId: requestId);

        Assert.Equal(HttpStatusCode.OK, status);
        var found = await Eventually.ValueAsync(
            () => Task.FromResult(recent.Read(0, RecentRequests.Capacity).Entries.Select(e => (RecentRequest?)e.Request).LastOrDefault(r => r!.Value.RequestId == requestId)),
            request => request is not null,
            "the message among the facade's recent requests",
            TimeSpan.FromSeconds(10));

        var entry = Assert.NotNull(found);
        Assert.Equal("messages", entry.Kind);
        Assert.Equal(ProtocolCluster.Role, entry.Role);
        Assert.Equal("engine-svc", entry.ServiceId);
        Assert.Equal(200, entry.Status);
        Assert.True(entry.TtftMs > 0, "a streamed message has a time to first token");
    }

    [Fact]
    public async Task ErrorsComeInAnthropicsShapeWithItsTypes()
    {
        Assert.SkipUnless(fixture.Available, fixture.SkipReason);

        var wrongKey = await PostAsync("""{"model":"mentor","max_tokens":5,"messages":[]}""", key: "not-a-key");
        var unknown = await PostAsync("""{"model":"no-such-model","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""");
        var noMaxTokens = await PostAsync("""{"model":"mentor","messages":[{"role":"user","content":"hi"}]}""");
        var badBlock = await PostAsync("""{"model":"mentor","max_tokens":5,"messages":[{"role":"user","content":[{"type":"video"}]}]}""");
        var notJson = await PostAsync("""{"model":""");
        var dead = await PostAsync("""{"model":"dead-model","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""");

        AssertError(wrongKey, HttpStatusCode.Unauthorized, "authentication_error");
        AssertError(unknown, HttpStatusCode.NotFound, "not_found_error");
        AssertError(noMaxTokens, HttpStatusCode.BadRequest, "invalid_request_error");
        AssertError(badBlock, HttpStatusCode.BadRequest, "invalid_request_error");
        AssertError(notJson, HttpStatusCode.BadRequest, "invalid_request_error");
        // Unreachable the first time (502); cooling down after that, when another test of the class went first (503).
        AssertError(dead, dead.Status == HttpStatusCode.BadGateway ? HttpStatusCode.BadGateway : HttpStatusCode.ServiceUnavailable,
            dead.Status == HttpStatusCode.BadGateway ? "api_error" : "overloaded_error");
    }

    [Fact]
    public async Task TheAnthropicSdkCreatesStreamsAndFailsCleanlyThroughARole()
    {
        Assert.SkipUnless(fixture.Available, fixture.SkipReason);
        Assert.SkipWhen(NpmSdks.Unavailable is not null, NpmSdks.Unavailable ?? "");

        var result = await NpmSdks.RunAsync("messages.mjs", fixture.Cluster.Facade.Url, TestCluster.ClientKey, ProtocolCluster.Role).WaitAsync(TimeSpan.FromSeconds(150), Ct);

        Assert.False(string.IsNullOrEmpty(result["create"]!["text"]!.GetValue<string>()));
        Assert.Equal("max_tokens", result["create"]!["stop_reason"]!.GetValue<string>());
        Assert.InRange(result["create"]!["usage"]!["output_tokens"]!.GetValue<int>(), 1, 6);
        var stream = result["stream"]!;
        var events = stream["events"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        Assert.Equal("message_start", events[0]);
        Assert.Equal("message_stop", events[^1]);
        Assert.Contains("content_block_delta", events);
        Assert.False(string.IsNullOrEmpty(stream["text"]!.GetValue<string>()));
        Assert.Equal(stream["text"]!.GetValue<string>(), stream["final_text"]!.GetValue<string>());
        Assert.Equal("max_tokens", stream["stop_reason"]!.GetValue<string>());
        Assert.Equal(ProtocolCluster.SystemPrompt, SystemTextOf(fixture.Tap.LastBody(EnginePath)));
        AssertRaised(result["wrong_key"]!, "AuthenticationError", 401, "authentication_error");
        AssertRaised(result["unknown_model"]!, "NotFoundError", 404, "not_found_error");
        var dead = result["dead_model"]!;
        var deadStatus = dead["status"]!.GetValue<int>() == 502 ? 502 : 503;
        AssertRaised(dead, deadStatus == 502 ? "InternalServerError" : "ServiceUnavailableError", deadStatus, deadStatus == 502 ? "api_error" : "overloaded_error");
    }

    private static void AssertRaised(JsonNode failure, string error, int status, string type)
    {
        Assert.Equal(error, failure["raised"]?.GetValue<string>());
        Assert.Equal(status, failure["status"]!.GetValue<int>());
        Assert.Equal(type, failure["type"]!.GetValue<string>());
    }

    private static string SystemTextOf(JsonObject received) =>
        received["system"] is { } system ? system.GetValue<string>() : received["messages"]![0]!["content"]!.GetValue<string>();

    private static void AssertError((HttpStatusCode Status, string Body) answer, HttpStatusCode status, string type)
    {
        Assert.Equal(status, answer.Status);
        var error = JsonNode.Parse(answer.Body)!;
        Assert.Equal("error", error["type"]!.GetValue<string>());
        Assert.Equal(type, error["error"]!["type"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(error["error"]!["message"]!.GetValue<string>()));
    }

    private static List<(string Name, JsonNode Data)> NamedEvents(string body) =>
        [.. body.Replace("\r\n", "\n", StringComparison.Ordinal)
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.Trim().Split('\n'))
            .Where(lines => lines[0].StartsWith("event: ", StringComparison.Ordinal))
            .Select(lines => (lines[0]["event: ".Length..], JsonNode.Parse(lines[1]["data: ".Length..])!))];

    /// <summary>POSTs as an Anthropic client does: the key in <c>x-api-key</c>, never a bearer token.</summary>
    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string json, string key = TestCluster.ClientKey, string? requestId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (requestId is not null)
        {
            request.Headers.Add("X-Request-Id", requestId);
        }

        request.Headers.Authorization = null;
        request.Headers.Add("x-api-key", key);
        request.Headers.Add("anthropic-version", "2023-06-01");
        using var client = new HttpClient { BaseAddress = new Uri(fixture.Cluster.Facade.Url), Timeout = Bound };
        using var response = await client.SendAsync(request, Ct).WaitAsync(Bound, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct).WaitAsync(Bound, Ct));
    }
}

/// <summary>Against the simulator registered chat-only: translated both ways.</summary>
public sealed class TranslatedMessagesCompatTests(TranslatedProtocolCluster fixture)
    : MessagesCompatTests(fixture), IClassFixture<TranslatedProtocolCluster>
{
    [Fact]
    public async Task AStreamTheEngineBreaksOffAfterItStartedEndsWithAnAnthropicErrorEvent()
    {
        var ct = TestContext.Current.CancellationToken;
        await fixture.Engine.SetFaultAsync("""{"mode":"drop_mid_stream","after_chunks":3,"count":1}""");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages")
        {
            Content = new StringContent("""{"model":"mentor","max_tokens":40,"stream":true,"messages":[{"role":"user","content":"go on"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-api-key", TestCluster.ClientKey);
        using var client = new HttpClient { BaseAddress = new Uri(fixture.Cluster.Facade.Url), Timeout = TimeSpan.FromSeconds(60) };

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).WaitAsync(TimeSpan.FromSeconds(60), ct);
        var received = new StringBuilder();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        try
        {
            while (await reader.ReadLineAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(60), ct) is { } line)
            {
                received.Append(line).Append('\n');
            }
        }
        catch (HttpIOException)
        {
            // The facade ends a broken stream without its last chunk, after the error event.
        }

        var text = received.ToString();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("event: content_block_delta", text, StringComparison.Ordinal);
        Assert.Contains("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("message_stop", text, StringComparison.Ordinal);
    }
}

/// <summary>Against a real llama-server, which speaks Messages itself: passed through.</summary>
public sealed class NativeMessagesCompatTests(NativeProtocolCluster fixture)
    : MessagesCompatTests(fixture), IClassFixture<NativeProtocolCluster>;
