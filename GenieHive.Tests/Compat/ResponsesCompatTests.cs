using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GenieHive.Tests.Testing;
using OpenAI.Responses;

namespace GenieHive.Tests.Compat;

#pragma warning disable OPENAI001 // The Responses client is marked experimental by the SDK.

/// <summary>
/// <c>POST /v1/responses</c> through a role whose system prompt must reach the engine (as <c>instructions</c> or a system
/// message): on the wire, with the OpenAI .NET SDK's <see cref="ResponsesClient"/> and with the <c>openai</c> npm SDK;
/// translated for the simulator, passed through to llama-server.
/// </summary>
public abstract class ResponsesCompatTests(ProtocolCluster fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string EnginePath => fixture.Native ? "/v1/responses" : "/v1/chat/completions";

    [Fact]
    public async Task TheDotNetResponsesClientCreatesAndStreamsThroughARole()
    {
        Assert.SkipUnless(fixture.Available, fixture.SkipReason);
        var client = fixture.Cluster.OpenAi().GetResponsesClient();

        ResponseResult response = await client.CreateResponseAsync(ProtocolCluster.Role, "hello", cancellationToken: Ct).WaitAsync(Bound, Ct);
        var created = SystemTextOf(fixture.Tap.LastBody(EnginePath));
        var updates = await Sse.CollectAsync<StreamingResponseUpdate>(await client.CreateResponseStreamingAsync(ProtocolCluster.Role, "hello", cancellationToken: Ct).WaitAsync(Bound, Ct)).WaitAsync(Bound, Ct);

        Assert.False(string.IsNullOrEmpty(response.GetOutputText()));
        Assert.True(response.Usage.OutputTokenCount > 0);
        Assert.Equal(ProtocolCluster.SystemPrompt, created);
        Assert.IsType<StreamingResponseCreatedUpdate>(updates[0]);
        var deltas = updates.OfType<StreamingResponseOutputTextDeltaUpdate>().ToList();
        Assert.True(deltas.Count >= 2, "expected several text deltas, got " + deltas.Count);
        var completed = updates.OfType<StreamingResponseCompletedUpdate>().Single();
        Assert.Equal(string.Concat(deltas.Select(d => d.Delta)), completed.Response.GetOutputText());
        Assert.True(completed.Response.Usage.OutputTokenCount > 0);
        Assert.Equal(ProtocolCluster.SystemPrompt, SystemTextOf(fixture.Tap.LastBody(EnginePath)));
    }

    [Fact]
    public async Task TheRolePromptGoesBeforeTheCallersInstructionsAndLengthLimitsSayIncomplete()
    {
        Assert.SkipUnless(fixture.Available, fixture.SkipReason);

        var (status, body) = await PostAsync("""{"model":"mentor","max_output_tokens":4,"instructions":"Be brief.","input":[{"role":"user","content":[{"type":"input_text","text":"hello"}]}]}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var response = JsonNode.Parse(body)!;
        Assert.Equal("response", response["object"]!.GetValue<string>());
        var message = response["output"]!.AsArray().Single(i => i!["type"]!.GetValue<string>() == "message")!;
        Assert.Equal("output_text", message["content"]![0]!["type"]!.GetValue<string>());
        Assert.InRange(response["usage"]!["output_tokens"]!.GetValue<int>(), 1, 4);
        var received = fixture.Tap.LastBody(EnginePath);
        if (fixture.Native)
        {
            Assert.Equal(ProtocolCluster.SystemPrompt + "\n\nBe brief.", received["instructions"]!.GetValue<string>());
        }
        else
        {
            Assert.Equal("incomplete", response["status"]!.GetValue<string>());
            Assert.Equal("max_output_tokens", response["incomplete_details"]!["reason"]!.GetValue<string>());
            var messages = received["messages"]!.AsArray();
            Assert.Equal([ProtocolCluster.SystemPrompt, "Be brief.", "hello"], messages.Select(m => m!["content"]!.GetValue<string>()));
            Assert.Equal(4, received["max_tokens"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task ErrorsComeInOpenAisShapeAndStoredStateIsRefused()
    {
        Assert.SkipUnless(fixture.Available, fixture.SkipReason);

        var wrongKey = await PostAsync("""{"model":"mentor","input":"hi"}""", key: "not-a-key");
        var unknown = await PostAsync("""{"model":"no-such-model","input":"hi"}""");
        var stateful = await PostAsync("""{"model":"mentor","input":"hi","previous_response_id":"resp_1"}""");
        var noInput = await PostAsync("""{"model":"mentor"}""");
        var builtInTool = await PostAsync("""{"model":"mentor","input":"hi","tools":[{"type":"web_search"}]}""");

        AssertError(wrongKey, HttpStatusCode.Unauthorized, null);
        AssertError(unknown, HttpStatusCode.NotFound, "model");
        AssertError(stateful, HttpStatusCode.BadRequest, "previous_response_id");
        AssertError(noInput, HttpStatusCode.BadRequest, "input");
        Assert.Equal(HttpStatusCode.BadRequest, builtInTool.Status);
        var sdkError = await Assert.ThrowsAsync<ClientResultException>(() =>
            fixture.Cluster.OpenAi().GetResponsesClient().CreateResponseAsync("no-such-model", "hi", cancellationToken: Ct).WaitAsync(Bound, Ct));
        Assert.Equal(404, sdkError.Status);
    }

    [Fact]
    public async Task TheOpenAiNpmSdkCreatesStreamsAndFailsCleanlyThroughARole()
    {
        Assert.SkipUnless(fixture.Available, fixture.SkipReason);
        Assert.SkipWhen(NpmSdks.Unavailable is not null, NpmSdks.Unavailable ?? "");

        var result = await NpmSdks.RunAsync("responses.mjs", fixture.Cluster.Facade.Url + "/v1", TestCluster.ClientKey, ProtocolCluster.Role).WaitAsync(TimeSpan.FromSeconds(150), Ct);

        Assert.False(string.IsNullOrEmpty(result["create"]!["text"]!.GetValue<string>()));
        Assert.True(result["create"]!["usage"]!["output_tokens"]!.GetValue<int>() > 0);
        var stream = result["stream"]!;
        var events = stream["events"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        Assert.Equal("response.created", events[0]);
        Assert.Contains("response.output_text.delta", events);
        Assert.Contains(events[^1], new[] { "response.completed", "response.incomplete" });
        Assert.False(string.IsNullOrEmpty(stream["text"]!.GetValue<string>()));
        Assert.True(stream["final_usage"]!["output_tokens"]!.GetValue<int>() > 0);
        Assert.Equal(ProtocolCluster.SystemPrompt, SystemTextOf(fixture.Tap.LastBody(EnginePath)));
        Assert.Equal("AuthenticationError", result["wrong_key"]!["raised"]!.GetValue<string>());
        Assert.Equal("NotFoundError", result["unknown_model"]!["raised"]!.GetValue<string>());
        Assert.Equal("BadRequestError", result["stateful"]!["raised"]!.GetValue<string>());
        Assert.Equal("previous_response_id", result["stateful"]!["param"]!.GetValue<string>());
    }

    private static string SystemTextOf(JsonObject received) =>
        received["instructions"] is { } instructions ? instructions.GetValue<string>() : received["messages"]![0]!["content"]!.GetValue<string>();

    private static void AssertError((HttpStatusCode Status, string Body) answer, HttpStatusCode status, string? param)
    {
        Assert.Equal(status, answer.Status);
        var error = JsonNode.Parse(answer.Body)!["error"]!;
        Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
        Assert.Equal(param, error["param"]?.GetValue<string>());
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string json, string key = TestCluster.ClientKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/responses") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var client = new HttpClient { BaseAddress = new Uri(fixture.Cluster.Facade.Url), Timeout = Bound };
        using var response = await client.SendAsync(request, Ct).WaitAsync(Bound, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct).WaitAsync(Bound, Ct));
    }
}

/// <summary>Against the simulator registered chat-only: translated both ways.</summary>
public sealed class TranslatedResponsesCompatTests(TranslatedProtocolCluster fixture)
    : ResponsesCompatTests(fixture), IClassFixture<TranslatedProtocolCluster>;

/// <summary>Against a real llama-server, which speaks Responses itself: passed through.</summary>
public sealed class NativeResponsesCompatTests(NativeProtocolCluster fixture)
    : ResponsesCompatTests(fixture), IClassFixture<NativeProtocolCluster>;
