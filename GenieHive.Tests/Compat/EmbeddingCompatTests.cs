using System.ClientModel;
using System.Text.Json.Nodes;
using OpenAI.Embeddings;

namespace GenieHive.Tests.Compat;

/// <summary>Embeddings through the facade with the OpenAI SDK's <see cref="EmbeddingClient"/> (base64 by default) and float on the wire.</summary>
[Collection(SimulatedClusterCollection.Name)]
public sealed class EmbeddingCompatTests(SimulatedCluster fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SdkAsksForBase64AndDecodesTheSameVectorAsFloatOnTheWire()
    {
        var capture = new RequestCapture();
        var client = fixture.Cluster.OpenAi(capture: capture).GetEmbeddingClient(SimulatedCluster.EmbeddingModel);

        OpenAIEmbedding embedding = await client.GenerateEmbeddingAsync("the quick brown fox", cancellationToken: Ct).WaitAsync(Bound, Ct);
        var floats = await FloatEmbeddingAsync("""{"model":"sim-embed","input":"the quick brown fox","encoding_format":"float"}""");

        Assert.Equal("base64", capture.Last["encoding_format"]!.GetValue<string>());
        var vector = embedding.ToFloats().ToArray();
        Assert.Equal(64, vector.Length);
        Assert.Equal(floats, vector);
    }

    [Fact]
    public async Task DimensionsShortenEveryVectorOfABatchInOrder()
    {
        var capture = new RequestCapture();
        var client = fixture.Cluster.OpenAi(capture: capture).GetEmbeddingClient(SimulatedCluster.EmbeddingRole);

        OpenAIEmbeddingCollection embeddings = await client.GenerateEmbeddingsAsync(
            ["alpha beta", "gamma delta", "alpha beta"], new EmbeddingGenerationOptions { Dimensions = 12 }, Ct).WaitAsync(Bound, Ct);

        Assert.Equal(12, capture.Last["dimensions"]!.GetValue<int>());
        Assert.Equal([0, 1, 2], embeddings.Select(e => e.Index));
        Assert.All(embeddings, e => Assert.Equal(12, e.ToFloats().Length));
        // Deterministic engine: the same text gives the same vector, a different one does not.
        Assert.Equal(embeddings[0].ToFloats().ToArray(), embeddings[2].ToFloats().ToArray());
        Assert.NotEqual(embeddings[0].ToFloats().ToArray(), embeddings[1].ToFloats().ToArray());
        Assert.True(embeddings.Usage.InputTokenCount > 0);
    }

    [Fact]
    public async Task ProtocolMethodWithFloatFormatReturnsAJsonNumberArray()
    {
        var client = fixture.Cluster.OpenAi().GetEmbeddingClient(SimulatedCluster.EmbeddingModel);

        var result = await client.GenerateEmbeddingsAsync(
            BinaryContent.Create(BinaryData.FromString("""{"model":"sim-embed","input":["one","two"],"encoding_format":"float","dimensions":4}""")))
            .WaitAsync(Bound, Ct);

        var data = JsonNode.Parse(result.GetRawResponse().Content.ToString())!["data"]!.AsArray();
        Assert.Equal(2, data.Count);
        Assert.All(data, d => Assert.Equal(4, d!["embedding"]!.AsArray().Count));
    }

    private async Task<float[]> FloatEmbeddingAsync(string json)
    {
        using var response = await fixture.Cluster.FacadeClient.PostAsync("/v1/embeddings", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Ct)
            .WaitAsync(Bound, Ct);
        response.EnsureSuccessStatusCode();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        return [.. body["data"]![0]!["embedding"]!.AsArray().Select(n => n!.GetValue<float>())];
    }
}
