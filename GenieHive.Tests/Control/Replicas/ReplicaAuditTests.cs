using System.Net;
using System.Net.Http.Json;
using GenieHive.Contracts.Json;
using GenieHive.Contracts.Keys;

namespace GenieHive.Tests.Control.Replicas;

/// <summary>
/// Facades send their audit batches to whichever replica they reach: two replicas on one real PostgreSQL store every
/// record, numbered without collisions, and either replica pages through all of them.
/// </summary>
[Collection(ControlProcessCollection.Name)]
public sealed class ReplicaAuditTests
{
    private const int BatchesPerReplica = 8;
    private const int RecordsPerBatch = 5;

    [Fact]
    public async Task AuditBatchesSentToBothReplicasAtOnceAreAllStoredUnderDistinctIds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var replicas = await TwoReplicas.StartAsync();
        var sends = new List<Task<HttpResponseMessage>>();
        for (var batch = 0; batch < BatchesPerReplica; batch++)
        {
            sends.Add(SendAsync(replicas.First, "first-" + batch, ct));
            sends.Add(SendAsync(replicas.Second, "second-" + batch, ct));
        }

        var answers = await Task.WhenAll(sends);
        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));

        foreach (var client in new[] { replicas.First, replicas.Second })
        {
            var page = await client.GetFromJsonAsync("/v1/admin/audit?limit=1000", GenieHiveJsonContext.Default.AuditPage, ct);
            var records = page!.Data;
            Assert.Equal(2 * BatchesPerReplica * RecordsPerBatch, records.Count);
            Assert.Equal(records.Count, records.Select(record => record.Id).Distinct().Count());
            Assert.Equal(2 * BatchesPerReplica, records.Select(record => record.RequestId!.Split('/')[0]).Distinct().Count());
        }
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string batch, CancellationToken ct) =>
        client.PostAsJsonAsync("/v1/admin/audit", new AuditBatch([.. Enumerable.Range(0, RecordsPerBatch).Select(i => new AuditRecord
        {
            KeyId = "configured",
            Model = "audit-model",
            Endpoint = "/v1/chat/completions",
            StatusCode = 200,
            PromptTokens = 3,
            CompletionTokens = 4,
            RequestId = batch + "/" + i,
            At = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + (i * 0.001),
        })]), GenieHiveJsonContext.Default.AuditBatch, ct);
}
