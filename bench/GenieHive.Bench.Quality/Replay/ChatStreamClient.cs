using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GenieHive.Bench.Quality.Replay;

/// <summary>
/// Sends one streamed chat completion (with <c>stream_options.include_usage</c>) and measures it as a user would: time
/// to the first content, time to the end of the stream, the answer, and the usage the engine reported (prompt tokens,
/// of them cached). A stream that ends without <c>[DONE]</c>, or with an error event, is a failure.
/// </summary>
internal sealed class ChatStreamClient : IDisposable
{
    private readonly HttpClient _http;

    public ChatStreamClient(string apiKey)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    /// <summary>The request body: the conversation so far, streamed, with usage, at most <paramref name="maxTokens"/> tokens.</summary>
    public static JsonObject Body(string model, JsonArray messages, int maxTokens) => new()
    {
        ["model"] = model,
        ["messages"] = messages.DeepClone(),
        ["max_tokens"] = maxTokens,
        ["stream"] = true,
        ["stream_options"] = new JsonObject { ["include_usage"] = true },
    };

    /// <summary>
    /// Sends <paramref name="body"/> to <paramref name="baseUrl"/>; times are measured from <paramref name="since"/> (a
    /// <see cref="Stopwatch"/> timestamp: the turn's first attempt, so that a retry's time counts), and
    /// <paramref name="onFirstContent"/> hears of the first content as it arrives.
    /// </summary>
    public async Task<AttemptOutcome> SendAsync(Uri baseUrl, JsonObject body, long since, TimeSpan timeout, Action? onFirstContent, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        double? firstContent = null;
        var answer = new StringBuilder();
        string? servedBy = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, "/v1/chat/completions"))
            {
                Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            servedBy = response.Headers.TryGetValues("X-GenieHive-Service", out var values) ? values.FirstOrDefault() : null;
            if (!response.IsSuccessStatusCode)
            {
                return AttemptOutcome.Failed("http " + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), beforeFirstToken: true, servedBy);
            }

            await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var usage = default(UsageReport);
            while (await reader.ReadLineAsync(deadline.Token) is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    continue;
                }

                var data = line.AsSpan("data: ".Length);
                if (data.SequenceEqual("[DONE]"))
                {
                    return new AttemptOutcome
                    {
                        Failure = firstContent is null ? "no content" : null,
                        FirstContentSeconds = firstContent,
                        EndSeconds = Stopwatch.GetElapsedTime(since).TotalSeconds,
                        Answer = answer.ToString(),
                        Usage = usage,
                        ServedBy = servedBy,
                    };
                }

                using var chunk = JsonDocument.Parse(data.ToString());
                var root = chunk.RootElement;
                if (root.TryGetProperty("error", out _))
                {
                    return AttemptOutcome.Failed("error event", firstContent is null, servedBy);
                }

                if (root.TryGetProperty("choices", out var choices) && choices.GetArrayLength() > 0
                    && choices[0].TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content)
                    && content.ValueKind == JsonValueKind.String && content.GetString() is { Length: > 0 } text)
                {
                    if (firstContent is null)
                    {
                        firstContent = Stopwatch.GetElapsedTime(since).TotalSeconds;
                        onFirstContent?.Invoke();
                    }

                    answer.Append(text);
                }

                usage = UsageReport.Read(root) ?? usage;
            }

            return AttemptOutcome.Failed("stream ended early", firstContent is null, servedBy);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return AttemptOutcome.Failed("timeout", firstContent is null, servedBy);
        }
        catch (HttpRequestException ex)
        {
            return AttemptOutcome.Failed(ex.HttpRequestError == HttpRequestError.ConnectionError ? "connect" : "http error", firstContent is null, servedBy);
        }
        catch (IOException)
        {
            return AttemptOutcome.Failed("stream broke", firstContent is null, servedBy);
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>One attempt at a turn, as the client saw it.</summary>
internal sealed record AttemptOutcome
{
    /// <summary>Why it failed, or null when the whole answer arrived.</summary>
    public string? Failure { get; init; }

    /// <summary>Whether it failed before any content reached the client (then another engine may be tried).</summary>
    public bool FailedBeforeFirstToken { get; init; }

    public double? FirstContentSeconds { get; init; }

    public double? EndSeconds { get; init; }

    public string Answer { get; init; } = string.Empty;

    public UsageReport Usage { get; init; }

    /// <summary>The service that answered (<c>X-GenieHive-Service</c>), when known.</summary>
    public string? ServedBy { get; init; }

    public bool Succeeded => Failure is null;

    public static AttemptOutcome Failed(string failure, bool beforeFirstToken, string? servedBy) =>
        new() { Failure = failure, FailedBeforeFirstToken = beforeFirstToken, ServedBy = servedBy };
}

/// <summary>What the engine said about the prompt: its tokens and how many came from the prompt cache.</summary>
internal readonly record struct UsageReport(int PromptTokens, int CachedTokens, int CompletionTokens)
{
    /// <summary>
    /// <c>usage.prompt_tokens</c> with <c>usage.prompt_tokens_details.cached_tokens</c> (else llama-server's
    /// <c>timings.cache_n</c>), or null when the chunk has no usage.
    /// </summary>
    public static UsageReport? Read(JsonElement chunk)
    {
        if (!chunk.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var cached = usage.TryGetProperty("prompt_tokens_details", out var details) && details.ValueKind == JsonValueKind.Object
            && details.TryGetProperty("cached_tokens", out var c) && c.ValueKind == JsonValueKind.Number
                ? c.GetInt32()
                : chunk.TryGetProperty("timings", out var timings) && timings.TryGetProperty("cache_n", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetInt32() : 0;
        return new UsageReport(Number(usage, "prompt_tokens"), cached, Number(usage, "completion_tokens"));
    }

    private static int Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : 0;
}
