using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Compat;

/// <summary>
/// The operator API through the facade is Control's own: for good and bad requests alike, the facade's answer has
/// Control's status, content type and body (the facade relays bytes and keeps no model of Control's endpoints).
/// </summary>
[Collection(SimulatedClusterCollection.Name)]
public sealed class OperatorApiCompatTests(SimulatedCluster fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string?> Requests() => new()
    {
        // Bad queries and bodies, which the facade once answered differently from Control.
        { "GET", "/v1/cluster/benchmarks/runs?limit=abc", null },
        { "GET", "/v1/cluster/routes/resolve", null },
        { "POST", "/v1/cluster/routes/match", """{"task":""" },
        { "GET", "/v1/cluster/routes/resolve?model=" + SimulatedCluster.ChatModel + "&kind=painting", null },
        { "POST", "/v1/cluster/routes/match", """{"limit":0}""" },
        { "POST", "/v1/cluster/benchmarks", """{"samples":[null]}""" },
        { "GET", "/v1/cluster/benchmarks/runs/no-such-run", null },
        { "GET", "/v1/cluster/no-such-thing", null },
        { "DELETE", "/v1/cluster/hosts", null },

        // Good ones.
        { "GET", "/v1/cluster/hosts", null },
        { "GET", "/v1/cluster/services", null },
        { "GET", "/v1/cluster/roles", null },
        { "GET", "/v1/cluster/health", null },
        { "GET", "/v1/cluster/benchmarks?service_id=sim-chat-svc", null },
        { "GET", "/v1/cluster/benchmarks/workloads", null },
        { "GET", "/v1/cluster/benchmarks/runs?limit=5", null },
        { "GET", "/v1/cluster/routes/resolve?model=" + SimulatedCluster.UnservableRole, null },
        { "GET", "/v1/cluster/routes/resolve?model=ghost", null },
        { "GET", "/v1/cluster/routes/resolve?model=" + SimulatedCluster.ChatRole, null },
        { "POST", "/v1/cluster/routes/match", """{"task":"summarize logs","kind":"chat"}""" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task TheFacadeAnswersAsControlDoes(string method, string path, string? json)
    {
        using var control = new HttpClient { BaseAddress = new Uri(fixture.Cluster.Control.Url), Timeout = TimeSpan.FromSeconds(30) };
        control.DefaultRequestHeaders.Add(GenieHiveHeaders.ApiKey, TestCluster.ClientKey);

        var direct = await SendAsync(control, method, path, json);
        var relayed = await SendAsync(fixture.Cluster.FacadeClient, method, path, json);
        if (relayed != direct)
        {
            // The facade's observation reports may change a view between the two calls: then the relayed answer must
            // be the one Control gives after it.
            direct = await SendAsync(control, method, path, json);
        }

        Assert.Equal(direct.Status, relayed.Status);
        Assert.Equal(direct.ContentType, relayed.ContentType);
        Assert.Equal(direct.Body, relayed.Body);
    }

    private static async Task<(int Status, string? ContentType, string Body)> SendAsync(HttpClient client, string method, string path, string? json)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using var response = await client.SendAsync(request, Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), WithoutTraceId(body));
    }

    /// <summary>A problem's <c>trace_id</c> names the request it answers, so two requests never share one; the rest must match.</summary>
    private static string WithoutTraceId(string body)
    {
        if (body.Length == 0 || body[0] != '{' || JsonNode.Parse(body) is not JsonObject problem || !problem.ContainsKey("trace_id"))
        {
            return body;
        }

        Assert.False(string.IsNullOrEmpty(problem["trace_id"]!.GetValue<string>()));
        problem.Remove("trace_id");
        return problem.ToJsonString();
    }
}
