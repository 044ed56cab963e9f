using GenieHive.Contracts;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Fuzz;

/// <summary>
/// An Accept header the services cannot honour (they answer JSON only) changes nothing about an error: the same status
/// in the endpoint's own shape, never a 406, a 500 or ASP.NET's plain-text status page. Control's POSTs are pinned in
/// <c>BadInputTests.AnAcceptHeaderDoesNotChangeTheProblemDetailsShape</c>; these are the facade's and the node agent's
/// errors, and Control's that no endpoint writes (an unknown path, a method not mapped).
/// </summary>
public sealed class AcceptHeaderTests(FuzzCluster cluster) : IClassFixture<FuzzCluster>
{
    private static readonly Dictionary<string, ErrorCase> Cases = new()
    {
        ["facade chat: not JSON"] = new(FuzzService.Facade, "POST", "/v1/chat/completions", "{not json", Bearer, 400, ErrorShapes.OpenAi),
        ["facade messages: not JSON"] = new(FuzzService.Facade, "POST", "/v1/messages", "{not json", Bearer, 400, ErrorShapes.Anthropic),
        ["facade messages: no key"] = new(FuzzService.Facade, "POST", "/v1/messages", "{}", null, 401, ErrorShapes.Anthropic),
        ["facade responses: not JSON"] = new(FuzzService.Facade, "POST", "/v1/responses", "{not json", Bearer, 400, ErrorShapes.OpenAi),
        ["facade rerank: not JSON"] = new(FuzzService.Facade, "POST", "/v1/rerank", "{not json", Bearer, 400, ErrorShapes.OpenAi),
        ["facade: unknown path"] = new(FuzzService.Facade, "GET", "/v1/nope", null, Bearer, 404, ErrorShapes.OpenAi),
        ["agent: unknown path"] = new(FuzzService.NodeAgent, "GET", "/v1/nope", null, null, 404, ErrorShapes.ProblemDetails),
        ["agent: method not mapped"] = new(FuzzService.NodeAgent, "POST", "/v1/node/status", "{}", null, 405, ErrorShapes.ProblemDetails),
        ["control: unknown path"] = new(FuzzService.Control, "GET", "/v1/nope", null, (GenieHiveHeaders.ApiKey, TestCluster.ClientKey), 404, ErrorShapes.ProblemDetails),
        ["control: method not mapped"] = new(FuzzService.Control, "DELETE", "/v1/cluster/hosts", null, (GenieHiveHeaders.ApiKey, TestCluster.ClientKey), 405, ErrorShapes.ProblemDetails),
    };

    private static (string, string) Bearer => ("Authorization", "Bearer " + TestCluster.ClientKey);

    public static TheoryData<string, string> AcceptsByCase()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in Cases.Keys)
        {
            foreach (var accept in FuzzRequests.OddAccepts)
            {
                data.Add(name, accept);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AcceptsByCase))]
    public async Task AnAcceptHeaderDoesNotChangeTheErrorOrItsShape(string caseName, string accept)
    {
        var error = Cases[caseName];
        var ct = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(new HttpMethod(error.Method), cluster.Url(error.Service) + error.Path);
        if (error.Body is not null)
        {
            request.Content = new StringContent(error.Body, System.Text.Encoding.UTF8, "application/json");
        }

        if (error.Key is var (header, value))
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        request.Headers.TryAddWithoutValidation("Accept", accept);

        using var response = await cluster.Raw.SendAsync(request, ct);
        var body = await response.Content.ReadAsByteArrayAsync(ct);

        Assert.True(error.Status == (int)response.StatusCode, "expected " + error.Status + ", got " + (int)response.StatusCode + ": " + FuzzBodies.Print(body));
        Assert.True(error.Shape(error.Status, body) is null, error.Shape(error.Status, body) + ": " + FuzzBodies.Print(body));
    }

    private sealed record ErrorCase(FuzzService Service, string Method, string Path, string? Body, (string, string)? Key, int Status, Func<int, byte[], string?> Shape);
}
