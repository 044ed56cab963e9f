using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Compat;

/// <summary>The simulator registered as a <c>rerank</c> service, reached through a role of operation <c>rerank</c>.</summary>
public sealed class RerankCluster : IAsyncLifetime
{
    public const string Model = "sim-rerank";
    public const string Role = "ranker";

    internal TestCluster Cluster { get; private set; } = null!;

    internal SimulatorNode Engine { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Cluster = await TestCluster.StartAsync(ClusterOptions.Registered with
        {
            RolesYaml = """
                roles:
                  - role_id: ranker
                    operation: rerank
                """,
        });
        Engine = Cluster.StartSimulator("rerank");
        await Cluster.RegisterAsync(Registrations.Host(
            "rerank-host",
            Registrations.Service("sim-rerank-svc", ServiceKinds.Rerank, Engine.Url, Model),
            Registrations.Service("sim-chat-svc", ServiceKinds.Chat, Engine.Url, "sim-chat")));
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}

/// <summary><c>POST /v1/rerank</c> (Jina/Cohere shape) through the facade to the simulator.</summary>
public sealed class RerankCompatTests(RerankCluster fixture) : IClassFixture<RerankCluster>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARerankThroughARoleRanksTheDocumentSharingTheQuerysWordsFirst()
    {
        var (status, body) = await PostAsync("""{"model":"ranker","query":"cats purr softly","documents":["the stock market fell","cats purr when happy",{"text":"rain tomorrow"}],"top_n":2,"return_documents":true}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var results = JsonNode.Parse(body)!["results"]!.AsArray();
        Assert.Equal(2, results.Count);
        Assert.Equal(1, results[0]!["index"]!.GetValue<int>());
        Assert.Equal("cats purr when happy", results[0]!["document"]!["text"]!.GetValue<string>());
        Assert.True(results[0]!["relevance_score"]!.GetValue<double>() > results[1]!["relevance_score"]!.GetValue<double>());
    }

    [Fact]
    public async Task RerankErrorsComeInOpenAisShapeAndRerankModelsAreNotChatModels()
    {
        var missingDocuments = await PostAsync("""{"model":"sim-rerank","query":"cats"}""");
        var chatModel = await PostAsync("""{"model":"sim-chat","query":"cats","documents":["a"]}""");

        Assert.Equal(HttpStatusCode.BadRequest, missingDocuments.Status);
        Assert.Contains("documents", JsonNode.Parse(missingDocuments.Body)!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, chatModel.Status);
        Assert.Equal("model_not_found", JsonNode.Parse(chatModel.Body)!["error"]!["code"]!.GetValue<string>());
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string json)
    {
        using var response = await fixture.Cluster.FacadeClient.PostAsync("/v1/rerank", new StringContent(json, Encoding.UTF8, "application/json"), Ct).WaitAsync(Bound, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct).WaitAsync(Bound, Ct));
    }
}
