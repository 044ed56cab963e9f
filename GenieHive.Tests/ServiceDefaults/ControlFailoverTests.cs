using System.Net;
using GenieHive.ServiceDefaults;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace GenieHive.Tests.ServiceDefaults;

/// <summary>
/// Clients of Control use several Control URLs one at a time: they move on a connection failure, a timeout or a 5xx,
/// not on a 4xx; a failed URL is skipped for a cooldown; a GET is sent again to the next URL within the call, a POST
/// only when it certainly reached no server.
/// </summary>
public sealed class ControlFailoverTests
{
    private static readonly Uri s_a = new("http://control-a:5000");
    private static readonly Uri s_b = new("http://control-b:5000");
    private static readonly Uri s_c = new("http://control-c:5000");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void TheUrlsAreReadInConfiguredOrderHttpFirstWithoutRepeatsOrBlanks()
    {
        var options = new ControlUrlsOptions
        {
            Http = ["http://control-a:5000", " ", "http://control-b:5000", "http://control-a:5000"],
            Https = ["https://control-a:5001"],
        };

        Assert.Equal([s_a, s_b, new Uri("https://control-a:5001")], options.Endpoints);
        Assert.False(new ControlUrlsOptions().Configured);
    }

    [Fact]
    public async Task CallsGoToTheFirstUrlWithTheCallersPathAndQuery()
    {
        var (client, _, inner) = Create(_ => new HttpResponseMessage(HttpStatusCode.OK));

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://control/v1/cluster/routing-table?after=3"), Ct);

        Assert.Equal(["GET http://control-a:5000/v1/cluster/routing-table?after=3"], inner.Calls);
    }

    [Fact]
    public async Task AGetThatGotA5xxIsSentToTheNextUrlAndLaterCallsStayThere()
    {
        var (client, endpoints, inner) = Create(uri => new HttpResponseMessage(uri.Host == s_a.Host ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK));

        using var first = await client.SendAsync(Get(), Ct);
        using var second = await client.SendAsync(Get(), Ct);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(s_b, endpoints.Current);
        Assert.Equal(["GET http://control-a:5000/x", "GET http://control-b:5000/x", "GET http://control-b:5000/x"], inner.Calls);
    }

    [Fact]
    public async Task A4xxIsControlsAnswerAndDoesNotMove()
    {
        var (client, endpoints, inner) = Create(_ => new HttpResponseMessage(HttpStatusCode.NotFound));

        using var response = await client.SendAsync(Get(), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(s_a, endpoints.Current);
        Assert.Single(inner.Calls);
    }

    [Fact]
    public async Task APostWhoseConnectionWasRefusedIsSentToTheNextUrl()
    {
        var (client, endpoints, inner) = Create(uri => uri.Host == s_a.Host
            ? throw new HttpRequestException(HttpRequestError.ConnectionError, "refused")
            : new HttpResponseMessage(HttpStatusCode.OK));

        using var response = await client.SendAsync(Post(), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(s_b, endpoints.Current);
        Assert.Equal(["POST http://control-a:5000/x", "POST http://control-b:5000/x"], inner.Calls);
    }

    [Fact]
    public async Task APostThatMayHaveReachedAServerIsNotSentAgainButTheNextCallMoves()
    {
        var (client, endpoints, inner) = Create(uri => uri.Host == s_a.Host
            ? throw new HttpRequestException(HttpRequestError.ResponseEnded, "connection closed mid-answer")
            : new HttpResponseMessage(HttpStatusCode.OK));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(Post(), Ct));
        Assert.Equal(["POST http://control-a:5000/x"], inner.Calls);
        Assert.Equal(s_b, endpoints.Current);

        using var next = await client.SendAsync(Post(), Ct);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task APostThatGotA5xxOrTimedOutIsNotSentAgain()
    {
        var (client, _, inner) = Create(uri => uri.Host == s_a.Host
            ? new HttpResponseMessage(HttpStatusCode.InternalServerError)
            : throw new Polly.Timeout.TimeoutRejectedException());

        using var failed = await client.SendAsync(Post(), Ct);
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        await Assert.ThrowsAsync<Polly.Timeout.TimeoutRejectedException>(() => client.SendAsync(Post(), Ct));

        Assert.Equal(["POST http://control-a:5000/x", "POST http://control-b:5000/x"], inner.Calls);
    }

    [Fact]
    public async Task APostAFollowerRefusedAsNotLeaderIsSentToTheNextUrlButOneThatGotAnother503IsNot()
    {
        var (client, endpoints, inner) = Create(uri => uri.Host == s_a.Host
            ? Problem(HttpStatusCode.ServiceUnavailable, ControlFailoverHandler.NotLeaderCode)
            : uri.Host == s_b.Host ? Problem(HttpStatusCode.ServiceUnavailable, "overloaded") : new HttpResponseMessage(HttpStatusCode.Accepted));

        using var refused = await client.SendAsync(Post(), Ct);

        // A said not_leader: sent again to B; B's 503 may have been applied: not sent again, though the next call moves on.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(["POST http://control-a:5000/x", "POST http://control-b:5000/x"], inner.Calls);
        using var next = await client.SendAsync(Post(), Ct);
        Assert.Equal(HttpStatusCode.Accepted, next.StatusCode);
        Assert.Equal(s_c, endpoints.Current);
    }

    [Fact]
    public void AFailedUrlIsSkippedForItsCooldownAndTheClientDoesNotFlapBack()
    {
        var time = new FakeTimeProvider();
        var endpoints = new ControlEndpoints([s_a, s_b, s_c], time, NullLogger<ControlEndpoints>.Instance, TimeSpan.FromSeconds(30));

        endpoints.Failed(s_a, "test");
        Assert.Equal(s_b, endpoints.Current);

        // B fails while A still cools down: C, not A.
        time.Advance(TimeSpan.FromSeconds(10));
        endpoints.Failed(s_b, "test");
        Assert.Equal(s_c, endpoints.Current);

        // A's cooldown is over, but C works: calls stay on C.
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(s_c, endpoints.Current);

        // C fails: A (cooled down) comes next in order.
        endpoints.Failed(s_c, "test");
        Assert.Equal(s_a, endpoints.Current);
    }

    [Fact]
    public void ALateFailureOfAUrlNoLongerInUseDoesNotMove()
    {
        var endpoints = new ControlEndpoints([s_a, s_b], new FakeTimeProvider(), NullLogger<ControlEndpoints>.Instance);

        endpoints.Failed(s_a, "test");
        endpoints.Failed(s_a, "a second call that was already on its way");

        Assert.Equal(s_b, endpoints.Current);
    }

    [Fact]
    public async Task WhenEveryUrlFailsTheCallerGetsTheLastFailure()
    {
        var (client, _, inner) = Create(_ => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused"));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(Get(), Ct));

        Assert.Equal(3, inner.Calls.Count);
    }

    private static HttpResponseMessage Problem(HttpStatusCode status, string code) => new(status)
    {
        Content = new StringContent($$"""{"title":"Not the leader","status":{{(int)status}},"code":"{{code}}"}""", System.Text.Encoding.UTF8, "application/problem+json"),
    };

    private static HttpRequestMessage Get() => new(HttpMethod.Get, "http://control/x");

    private static HttpRequestMessage Post() => new(HttpMethod.Post, "http://control/x") { Content = new StringContent("{}") };

    private static (HttpMessageInvoker Client, ControlEndpoints Endpoints, Recorder Inner) Create(Func<Uri, HttpResponseMessage> answer)
    {
        var endpoints = new ControlEndpoints([s_a, s_b, s_c], new FakeTimeProvider(), NullLogger<ControlEndpoints>.Instance);
        var inner = new Recorder(answer);
        return (new HttpMessageInvoker(new ControlFailoverHandler(endpoints) { InnerHandler = inner }), endpoints, inner);
    }

    private sealed class Recorder(Func<Uri, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<string> Calls { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls.Add(request.Method + " " + request.RequestUri);
            return Task.FromResult(answer(request.RequestUri!));
        }
    }
}
