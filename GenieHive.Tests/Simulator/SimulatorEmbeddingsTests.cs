using System.Net;
using System.Text.Json.Nodes;
using static GenieHive.Tests.Simulator.SimulatorTestKit;

namespace GenieHive.Tests.Simulator;

public sealed class SimulatorEmbeddingsTests
{
    [Fact]
    public async Task EmbeddingsAnswerUnitVectorsInOpenAiListShape()
    {
        await using var app = SimulatorApp.InMemory(("EmbeddingDimensions", 32));
        using var client = app.CreateClient();

        var answer = await PostJsonAsync(client, "/v1/embeddings", new JsonObject { ["model"] = "sim-embed", ["input"] = new JsonArray("first text", "second one here") });

        Assert.Equal("list", answer.GetProperty("object").GetString());
        Assert.Equal("sim-embed", answer.GetProperty("model").GetString());
        Assert.Equal(5, answer.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(5, answer.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        var data = answer.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(2, data.Count);
        for (var i = 0; i < data.Count; i++)
        {
            Assert.Equal("embedding", data[i].GetProperty("object").GetString());
            Assert.Equal(i, data[i].GetProperty("index").GetInt32());
            var vector = data[i].GetProperty("embedding");
            Assert.Equal(32, vector.GetArrayLength());
            Assert.Equal(1.0, Math.Sqrt(vector.EnumerateArray().Sum(v => v.GetDouble() * v.GetDouble())), 4);
        }
    }

    [Fact]
    public async Task EmbeddingsAreDeterministic()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        var first = await PostJsonAsync(client, "/v1/embeddings", new JsonObject { ["input"] = "a stable sentence" });
        var second = await PostJsonAsync(client, "/v1/embeddings", new JsonObject { ["input"] = new JsonArray("other", "a stable sentence") });

        Assert.Equal(
            first.GetProperty("data")[0].GetProperty("embedding").GetRawText(),
            second.GetProperty("data")[1].GetProperty("embedding").GetRawText());
    }

    [Fact]
    public async Task SimilarTextsAreCloserThanUnrelatedOnes()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        var answer = await PostJsonAsync(client, "/v1/embeddings", new JsonObject
        {
            ["input"] = new JsonArray("cat sat on the mat", "the cat sat", "quantum chromodynamics"),
        });

        var data = answer.GetProperty("data");
        var related = Cosine(data[0].GetProperty("embedding"), data[1].GetProperty("embedding"));
        var unrelated = Cosine(data[0].GetProperty("embedding"), data[2].GetProperty("embedding"));
        Assert.True(related > unrelated, $"related {related}, unrelated {unrelated}");
        Assert.True(related > 0.5, $"related {related}");
    }

    [Fact]
    public async Task Base64EncodingCarriesTheSameLittleEndianFloats()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        var floats = await PostJsonAsync(client, "/v1/embeddings", new JsonObject { ["input"] = "encode me", ["encoding_format"] = "float" });
        var base64 = await PostJsonAsync(client, "/v1/embeddings", new JsonObject { ["input"] = "encode me", ["encoding_format"] = "base64" });

        var bytes = Convert.FromBase64String(base64.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        var decoded = Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToSingle(bytes, i * 4)).ToArray();
        var expected = floats.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(64, decoded.Length);
        Assert.Equal(expected, decoded);
    }

    [Fact]
    public async Task DimensionsTruncatesAndRenormalizes()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        var answer = await PostJsonAsync(client, "/v1/embeddings", new JsonObject
        {
            ["input"] = new JsonArray("cat sat on the mat", "the cat sat", "quantum chromodynamics"),
            ["dimensions"] = 16,
        });

        var data = answer.GetProperty("data");
        foreach (var item in data.EnumerateArray())
        {
            var vector = item.GetProperty("embedding");
            Assert.Equal(16, vector.GetArrayLength());
            Assert.Equal(1.0, Math.Sqrt(vector.EnumerateArray().Sum(v => v.GetDouble() * v.GetDouble())), 4);
        }

        Assert.True(Cosine(data[0].GetProperty("embedding"), data[1].GetProperty("embedding"))
            > Cosine(data[0].GetProperty("embedding"), data[2].GetProperty("embedding")));
    }

    [Fact]
    public async Task TokenArraysAreAccepted()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        var flat = await PostJsonAsync(client, "/v1/embeddings", new JsonObject { ["input"] = new JsonArray(1, 2, 3) });
        var nested = await PostJsonAsync(client, "/v1/embeddings", new JsonObject { ["input"] = new JsonArray(new JsonArray(1, 2), new JsonArray(3)) });

        Assert.Equal(1, flat.GetProperty("data").GetArrayLength());
        Assert.Equal(3, flat.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(2, nested.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task UnknownEmbeddingModelAnswers404()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        var error = await PostJsonAsync(client, "/v1/embeddings", new JsonObject { ["model"] = "sim-chat", ["input"] = "x" }, 404);

        Assert.Equal("model_not_found", error.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"input\":[]}")]
    [InlineData("{\"input\":42}")]
    [InlineData("{\"input\":[{\"text\":\"x\"}]}")]
    [InlineData("{\"input\":\"x\",\"encoding_format\":\"int8\"}")]
    [InlineData("{\"input\":\"x\",\"dimensions\":0}")]
    [InlineData("{\"input\":\"x\",\"dimensions\":65}")]
    [InlineData("{\"input\":\"x\"")]
    public async Task BadEmbeddingRequestsAnswer400(string body)
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/v1/embeddings", Json(body), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", (await response.ReadJsonAsync()).GetProperty("error").GetProperty("type").GetString());
    }
}
