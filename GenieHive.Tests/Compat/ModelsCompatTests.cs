using System.ClientModel;
using System.Text.Json.Nodes;
using OpenAI.Models;

namespace GenieHive.Tests.Compat;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c> through the OpenAI SDK's <see cref="OpenAIModelClient"/>.</summary>
[Collection(SimulatedClusterCollection.Name)]
public sealed class ModelsCompatTests(SimulatedCluster fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListingNamesEveryRoleAndModelInOpenAiShape()
    {
        var client = fixture.Cluster.OpenAi().GetOpenAIModelClient();

        var result = await client.GetModelsAsync(Ct).WaitAsync(Bound, Ct);

        OpenAIModelCollection models = result;
        var ids = models.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(
            new HashSet<string>(StringComparer.Ordinal)
            {
                SimulatedCluster.ChatRole, SimulatedCluster.EmbeddingRole, SimulatedCluster.TranscriptionRole, SimulatedCluster.UnservableRole,
                SimulatedCluster.ChatModel, SimulatedCluster.EmbeddingModel, SimulatedCluster.TranscriptionModel, SimulatedCluster.SlashedModel,
            },
            ids);
        Assert.All(models, m => Assert.False(string.IsNullOrEmpty(m.OwnedBy)));
        Assert.All(models, m => Assert.True(m.CreatedAt > new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        var raw = JsonNode.Parse(result.GetRawResponse().Content.ToString())!;
        Assert.Equal("list", raw["object"]!.GetValue<string>());
        Assert.All(raw["data"]!.AsArray(), m => Assert.Equal("model", m!["object"]!.GetValue<string>()));
    }

    [Fact]
    public async Task OneRoleIsRetrievedWithItsGenieHiveDetails()
    {
        var client = fixture.Cluster.OpenAi().GetOpenAIModelClient();

        var result = await client.GetModelAsync(SimulatedCluster.ChatRole, Ct).WaitAsync(Bound, Ct);

        Assert.Equal(SimulatedCluster.ChatRole, result.Value.Id);
        var details = JsonNode.Parse(result.GetRawResponse().Content.ToString())!["geniehive"]!;
        Assert.Equal("role", details["route_type"]!.GetValue<string>());
        Assert.Equal("healthy", details["health"]!.GetValue<string>());
        Assert.Equal(1, details["eligible_target_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task ARoleWithNoHealthyTargetIsListedAsUnavailable()
    {
        var client = fixture.Cluster.OpenAi().GetOpenAIModelClient();

        var result = await client.GetModelAsync(SimulatedCluster.UnservableRole, Ct).WaitAsync(Bound, Ct);

        var details = JsonNode.Parse(result.GetRawResponse().Content.ToString())!["geniehive"]!;
        Assert.Equal("unavailable", details["health"]!.GetValue<string>());
        Assert.Equal(0, details["eligible_target_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task AModelIdWithASlashIsRetrievedAsTheSdkEscapesIt()
    {
        var client = fixture.Cluster.OpenAi().GetOpenAIModelClient();

        OpenAIModel model = await client.GetModelAsync(SimulatedCluster.SlashedModel, Ct).WaitAsync(Bound, Ct);

        Assert.Equal(SimulatedCluster.SlashedModel, model.Id);
    }

    [Fact]
    public async Task AnUnknownModelIsA404ClientResultException()
    {
        var client = fixture.Cluster.OpenAi().GetOpenAIModelClient();

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.GetModelAsync("nobody-here", Ct).WaitAsync(Bound, Ct));

        Assert.Equal(404, error.Status);
        Assert.Contains("Unknown model or role 'nobody-here'.", error.Message, StringComparison.Ordinal);
    }
}
