using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GenieHive.Contracts;
using GenieHive.Tests.Testing;

namespace GenieHive.Tests.Scenarios.Cluster;

/// <summary>The outcome of one client request through the facade.</summary>
/// <param name="Start">When it was sent (time since the traffic began).</param>
/// <param name="End">When its answer was complete.</param>
/// <param name="Status">The HTTP status, or 0 when no answer came.</param>
/// <param name="ServiceId">The facade's <c>X-GenieHive-Service</c> header.</param>
/// <param name="Error">Why the request did not succeed, or null.</param>
public sealed record ChatOutcome(TimeSpan Start, TimeSpan End, int Status, string? ServiceId, string? Error)
{
    public bool Succeeded => Status == 200 && Error is null;

    public override string ToString() => $"{Start.TotalMilliseconds:F0}-{End.TotalMilliseconds:F0} ms {Status} {ServiceId} {Error}";
}

/// <summary>Chat requests as an OpenAI client sends them.</summary>
public static class Chat
{
    public static HttpRequestMessage Request(string model, bool stream = false, int maxTokens = 8, string prompt = "Say hello to the hive")
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
            ["max_tokens"] = maxTokens,
        };
        if (stream)
        {
            body["stream"] = true;
        }

        return new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
    }

    /// <summary>Sends one non-streaming chat request and reads the whole answer; never throws for HTTP trouble.</summary>
    public static async Task<ChatOutcome> SendAsync(HttpClient client, string model, Stopwatch clock, CancellationToken cancellationToken = default)
    {
        var start = clock.Elapsed;
        try
        {
            using var request = Request(model);
            using var response = await client.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var service = response.Headers.TryGetValues(GenieHiveHeaders.ServiceId, out var values) ? values.First() : null;
            var error = response.StatusCode == HttpStatusCode.OK && body.Contains("\"choices\"", StringComparison.Ordinal)
                ? null
                : Truncate(body);
            return new ChatOutcome(start, clock.Elapsed, (int)response.StatusCode, service, error);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new ChatOutcome(start, clock.Elapsed, 0, null, ex.GetType().Name + ": " + ex.Message);
        }
    }

    private static string Truncate(string text) => text.Length > 300 ? text[..300] : text;
}

/// <summary>
/// Steady client traffic: <c>clients</c> loops, each sending one chat request after the other until stopped.
/// Every outcome is kept, with its timing and the service that answered.
/// </summary>
public sealed class Traffic : IAsyncDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<ChatOutcome> _outcomes = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _loops;

    private Traffic(HttpClient client, string model, int clients)
    {
        StartedAt = DateTimeOffset.UtcNow;
        Clock = Stopwatch.StartNew();
        _loops = [.. Enumerable.Range(0, clients).Select(_ => Task.Run(() => LoopAsync(client, model)))];
    }

    public Stopwatch Clock { get; }

    /// <summary>The wall-clock time at which <see cref="Clock"/> started, to compare outcomes with Control's timestamps.</summary>
    public DateTimeOffset StartedAt { get; }

    public IReadOnlyList<ChatOutcome> Outcomes => [.. _outcomes.OrderBy(o => o.Start)];

    public int Count => _outcomes.Count;

    public static Traffic Start(HttpClient client, string model, int clients) => new(client, model, clients);

    /// <summary>Waits until at least <paramref name="count"/> more requests have completed.</summary>
    public Task WaitForMoreAsync(int count, LogSink logs, double seconds = 20)
    {
        var target = _outcomes.Count + count;
        return Poll.UntilAsync(() => Task.FromResult(_outcomes.Count >= target), TimeSpan.FromSeconds(seconds),
            $"{count} more requests to complete", logs);
    }

    /// <summary>Stops sending (requests in flight finish) and returns every outcome.</summary>
    public async Task<IReadOnlyList<ChatOutcome>> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        return Outcomes;
    }

    private async Task LoopAsync(HttpClient client, string model)
    {
        while (!_stop.IsCancellationRequested)
        {
            // Not cancelled by the stop: a request in flight finishes, so that every request sent is counted.
            _outcomes.Enqueue(await Chat.SendAsync(client, model, Clock, TestContext.Current.CancellationToken));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
    }
}
