using System.Net;
using System.Text.Json;
using static GenieHive.Tests.Simulator.SimulatorTestKit;

namespace GenieHive.Tests.Simulator;

/// <summary>
/// The simulator's <c>/v1/rerank</c> against hostile bodies (issue 20): every one is a 400 in OpenAI's error shape,
/// never a 500, and a good body still ranks.
/// </summary>
public sealed class SimulatorRerankTests
{
    private static readonly string Huge = new('w', 200_000);

    public static TheoryData<string> BadBodies => new()
    {
        "",
        "not json",
        "null",
        "[]",
        """{"query":5,"documents":["a"]}""",
        """{"query":["a"],"documents":["a"]}""",
        """{"query":null,"documents":["a"]}""",
        """{"query":"q","documents":"a"}""",
        """{"query":"q","documents":{"text":"a"}}""",
        """{"query":"q","documents":[1,2]}""",
        """{"query":"q","documents":[null]}""",
        """{"query":"q","documents":[[1]]}""",
        """{"query":"q","documents":[{"text":5}]}""",
        """{"query":"q","documents":[{"text":["a"]}]}""",
        """{"query":"q","documents":[{}]}""",
        """{"query":"q","documents":[]}""",
        """{"query":"q","documents":["a"],"top_n":-1}""",
        """{"query":"q","documents":["a"],"top_n":0}""",
        """{"query":"q","documents":["a"],"top_n":1e30}""",
        """{"query":"q","documents":["a"],"top_n":"2"}""",
        """{"query":"q","documents":["a"],"top_n":1.5}""",
        """{"query":"\ud800","documents":["a"]}""",
        """{"query":"q","documents":["\udc00"]}""",
        """{"query":"q","documents":[{"text":"\ud800x"}]}""",
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task ABadRerankBodyIsA400InOpenAiShape(string json)
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/v1/rerank", Json(json), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(text);
        Assert.Equal("invalid_request_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task AGoodRerankBodyRanksTheMatchingDocumentFirst()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/v1/rerank", Json("""{"query":"cat mat","documents":["quantum physics",{"text":"the cat on the mat"}],"top_n":1}"""), TestContext.Current.CancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = body.RootElement.GetProperty("results");
        Assert.Equal(1, results.GetArrayLength());
        Assert.Equal(1, results[0].GetProperty("index").GetInt32());
    }

    [Fact]
    public async Task AHugeQueryIsRankedNotAServerError()
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/v1/rerank", Json("{\"query\":\"" + Huge + "\",\"documents\":[\"" + Huge + "\"]}"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("application/xml")]
    [InlineData("text/plain")]
    public async Task AnAcceptHeaderDoesNotChangeTheErrorShape(string accept)
    {
        await using var app = SimulatorApp.InMemory();
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/rerank") { Content = Json("""{"query":5}""") };
        request.Headers.TryAddWithoutValidation("Accept", accept);

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());
    }
}
