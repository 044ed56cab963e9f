using System.ClientModel;
using GenieHive.Contracts;
using Microsoft.AspNetCore.Http;
using OpenAI;
using OpenAI.Chat;

namespace GenieHive.Tests.Facade;

/// <summary>The facade driven by the official OpenAI .NET client, as users will.</summary>
public sealed class OpenAiSdkTests : IAsyncLifetime
{
    private FakeUpstream _chat = null!;
    private FakeUpstream _embeddings = null!;
    private FakeControl _control = null!;
    private FacadeHost _facade = null!;
    private OpenAIClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _chat = await FakeUpstream.StartAsync(async (context, request) =>
        {
            if (request.BodyText.Contains("\"stream\":true", StringComparison.Ordinal))
            {
                await Upstreams.Sse(
                [
                    "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"llama\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n",
                    "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"llama\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n",
                    "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"llama\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n",
                    "data: [DONE]\n\n",
                ])(context, request);
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(
                """{"id":"c","object":"chat.completion","created":1,"model":"llama","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""",
                context.RequestAborted);
        });
        _embeddings = await FakeUpstream.StartAsync(Upstreams.Json(
            """{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,0.25,0.125]}],"model":"nomic","usage":{"prompt_tokens":1,"total_tokens":1}}"""));
        var table = TestTables.Table(1,
            [
                TestTables.Service("chat", _chat.Url, ["llama"]),
                TestTables.Service("emb", _embeddings.Url, ["nomic"], kind: ServiceKinds.Embeddings),
            ],
            [TestTables.Role("mentor")]);
        _control = await FakeControl.StartAsync(table);
        _facade = await FacadeHost.StartAsync(_control);
        _client = new OpenAIClient(new ApiKeyCredential(FacadeHost.Key), new OpenAIClientOptions { Endpoint = new Uri(_facade.Url + "/v1") });
    }

    public async ValueTask DisposeAsync()
    {
        await _facade.DisposeAsync();
        await _control.DisposeAsync();
        await _chat.DisposeAsync();
        await _embeddings.DisposeAsync();
    }

    [Fact]
    public async Task ChatCompletesThroughTheSdk()
    {
        ChatCompletion completion = await _client.GetChatClient("mentor").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct);

        Assert.Equal("Hello", completion.Content[0].Text);
        Assert.Equal(1, completion.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task StreamedChatArrivesThroughTheSdk()
    {
        var text = "";
        await foreach (var update in _client.GetChatClient("llama").CompleteChatStreamingAsync([new UserChatMessage("hi")], cancellationToken: Ct))
        {
            foreach (var part in update.ContentUpdate)
            {
                text += part.Text;
            }
        }

        Assert.Equal("Hello", text);
    }

    [Fact]
    public async Task EmbeddingsArriveThroughTheSdk()
    {
        var embedding = await _client.GetEmbeddingClient("nomic").GenerateEmbeddingAsync("hi", cancellationToken: Ct);

        Assert.Equal([0.5f, 0.25f, 0.125f], embedding.Value.ToFloats().ToArray());
    }

    [Fact]
    public async Task UnknownModelSurfacesAsA404ClientResultException()
    {
        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            _client.GetChatClient("nobody").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));

        Assert.Equal(404, error.Status);
        Assert.Contains("Unknown model or role 'nobody'.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongKeySurfacesAsA401ClientResultException()
    {
        var client = new OpenAIClient(new ApiKeyCredential("wrong"), new OpenAIClientOptions { Endpoint = new Uri(_facade.Url + "/v1") });

        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            client.GetChatClient("mentor").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));

        Assert.Equal(401, error.Status);
    }
}
