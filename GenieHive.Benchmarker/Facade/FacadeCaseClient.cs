using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenieHive.Benchmarker.Hosting;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using Microsoft.Extensions.Options;

namespace GenieHive.Benchmarker.Facade;

/// <summary>
/// Sends benchmark cases the way clients send requests: to the facade's OpenAI endpoint, with the benchmarker's key,
/// <c>model</c> = the service id (a direct route to exactly that service), chat streamed so the time to first token is
/// seen as a client sees it. Uses its own HTTP client without the resilience handler: a retry would repeat a generation
/// (and run a case twice) and a 10-second attempt timeout would cut it; each case has its own timeout instead.
/// </summary>
public sealed class FacadeCaseClient(IHttpClientFactory httpClients, IOptions<BenchmarkerOptions> options)
{
    public const string HttpClientName = "geniehive-facade";

    private const int MaxErrorBodyChars = 300;
    private static readonly TimeSpan RoutePollInterval = TimeSpan.FromMilliseconds(100);

    // None configured means the facade's client auth is off.
    private readonly string? _apiKey = string.IsNullOrWhiteSpace(options.Value.ApiKey) ? null : options.Value.ApiKey.Trim();

    /// <summary>The facade's base URL, or null when the benchmarker was not told where the facade is.</summary>
    public Uri? FacadeAddress => options.Value.FacadeUrl is { Length: > 0 } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null;

    /// <summary>
    /// Waits until the facade routes <paramref name="serviceId"/> (its routing table may be a version behind a service
    /// that just registered). Null when it does; otherwise why not, after <paramref name="wait"/>.
    /// </summary>
    public async Task<string?> WaitUntilRoutedAsync(string serviceId, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);
        string problem;
        while (true)
        {
            using var request = NewRequest(HttpMethod.Get, "v1/models/" + Uri.EscapeDataString(serviceId), out var error);
            if (request is null)
            {
                return error;
            }

            try
            {
                using var response = await Client().SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return null;
                }

                problem = await DescribeFailureAsync(response, cancellationToken);
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    return "the facade refused the benchmarker's key (GenieHive:Benchmarker:ApiKey): " + problem;
                }
            }
            catch (HttpRequestException ex)
            {
                problem = "the facade could not be reached: " + ex.Message;
            }

            if (Stopwatch.GetTimestamp() >= deadline)
            {
                return $"the facade does not route '{serviceId}' ({problem})";
            }

            // Polling a remote routing table: real time, whatever clock the rest of Control runs on.
            await Task.Delay(RoutePollInterval, TimeProvider.System, cancellationToken);
        }
    }

    /// <summary>
    /// One chat case, streamed: <paramref name="body"/> (the case's request from Control) for <paramref name="serviceId"/>.
    /// Cancelling <paramref name="cancellationToken"/> abandons the request.
    /// </summary>
    public Task<BenchmarkCaseMeasurement> ChatAsync(string serviceId, JsonObject body, CancellationToken cancellationToken)
    {
        var payload = ForService(body, serviceId);
        payload["stream"] = true;
        payload["stream_options"] = new JsonObject { ["include_usage"] = true };
        return SendAsync(serviceId, "v1/chat/completions", payload, streamed: true, static (response, started, token) =>
            string.Equals(response.Content.Headers.ContentType?.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase)
                ? ReadStreamAsync(response, started, token)
                : ReadCompletionAsync(response, started, token), cancellationToken);
    }

    /// <summary>One embeddings case: <paramref name="body"/> (the anchor, the paraphrase and the unrelated text) for <paramref name="serviceId"/>.</summary>
    public Task<BenchmarkCaseMeasurement> EmbedAsync(string serviceId, JsonObject body, CancellationToken cancellationToken) =>
        SendAsync(serviceId, "v1/embeddings", ForService(body, serviceId), streamed: false, static async (response, started, token) =>
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(token);
            return EmbeddingAnswer.Parse(bytes, Elapsed(started));
        }, cancellationToken);

    private static JsonObject ForService(JsonObject body, string serviceId)
    {
        var payload = (JsonObject)body.DeepClone();
        payload["model"] = serviceId;
        return payload;
    }

    /// <summary>
    /// Sends one case and reads its answer with <paramref name="read"/>: a refusal, an answer from another service than
    /// the one measured, or a broken connection becomes a failed measurement with the reason.
    /// </summary>
    private async Task<BenchmarkCaseMeasurement> SendAsync(
        string serviceId,
        string path,
        JsonObject payload,
        bool streamed,
        Func<HttpResponseMessage, long, CancellationToken, Task<BenchmarkCaseMeasurement>> read,
        CancellationToken cancellationToken)
    {
        using var request = NewRequest(HttpMethod.Post, path, out var error);
        if (request is null)
        {
            return BenchmarkCaseMeasurement.Failed(error!, 0);
        }

        request.Content = new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json");
        if (streamed)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            var completion = streamed ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead;
            using var response = await Client().SendAsync(request, completion, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return BenchmarkCaseMeasurement.Failed(await DescribeFailureAsync(response, cancellationToken), Elapsed(started));
            }

            if (WrongService(response, serviceId) is { } wrong)
            {
                return BenchmarkCaseMeasurement.Failed(wrong, Elapsed(started));
            }

            return await read(response, started, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            return BenchmarkCaseMeasurement.Failed("the request failed: " + ex.Message, Elapsed(started));
        }
        catch (IOException ex)
        {
            return BenchmarkCaseMeasurement.Failed("the answer was cut off: " + ex.Message, Elapsed(started));
        }
    }

    private HttpClient Client() => httpClients.CreateClient(HttpClientName);

    private HttpRequestMessage? NewRequest(HttpMethod method, string relative, out string? error)
    {
        if (FacadeAddress is not { } address)
        {
            error = "the benchmarker does not know the facade's address: set services:facade:http:0 (the AppHost's benchmarker.WithReference(facade)) or GenieHive:Benchmarker:FacadeUrl";
            return null;
        }

        error = null;
        var request = new HttpRequestMessage(method, new Uri(new Uri(address.ToString().TrimEnd('/') + "/"), relative));
        if (_apiKey is { } key)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return request;
    }

    private static string? WrongService(HttpResponseMessage response, string serviceId) =>
        response.Headers.TryGetValues(GenieHiveHeaders.ServiceId, out var values)
        && values.FirstOrDefault() is { Length: > 0 } answeredBy
        && !string.Equals(answeredBy, serviceId, StringComparison.Ordinal)
            ? $"answered by '{answeredBy}' instead of '{serviceId}'"
            : null;

    private static async Task<BenchmarkCaseMeasurement> ReadStreamAsync(HttpResponseMessage response, long started, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var answer = new StreamedAnswer(started);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal))
            {
                continue;
            }

            var data = line.AsSpan(5).Trim();
            if (data.SequenceEqual("[DONE]"))
            {
                answer.Done = true;
                break;
            }

            if (answer.Add(data) is { } streamError)
            {
                return BenchmarkCaseMeasurement.Failed(streamError, Elapsed(started));
            }
        }

        return answer.ToMeasurement(Elapsed(started));
    }

    private static async Task<BenchmarkCaseMeasurement> ReadCompletionAsync(HttpResponseMessage response, long started, CancellationToken cancellationToken)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var latency = Elapsed(started);
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            var text = root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0
                && choices[0].TryGetProperty("message", out var message) && message.TryGetProperty("content", out var content)
                && content.ValueKind == JsonValueKind.String
                    ? content.GetString() ?? ""
                    : "";
            var (prompt, completion) = Usage(root);
            return new BenchmarkCaseMeasurement
            {
                Answered = true,
                Text = text,
                LatencyMs = latency,
                PromptTokens = prompt,
                CompletionTokens = completion,
                TokensPerSec = EngineTokensPerSec(root, completion),
            };
        }
        catch (JsonException)
        {
            return BenchmarkCaseMeasurement.Failed("the answer is not JSON", latency);
        }
    }

    internal static (int? Prompt, int? Completion) Usage(JsonElement root) =>
        root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object
            ? (Int(usage, "prompt_tokens"), Int(usage, "completion_tokens"))
            : (null, null);

    /// <summary>llama.cpp's <c>timings.predicted_per_second</c>, else completion tokens over <c>timings.predicted_ms</c>.</summary>
    internal static double? EngineTokensPerSec(JsonElement root, int? completionTokens)
    {
        if (!root.TryGetProperty("timings", out var timings) || timings.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (timings.TryGetProperty("predicted_per_second", out var perSecond) && perSecond.ValueKind == JsonValueKind.Number
            && perSecond.GetDouble() is > 0 and var rate && double.IsFinite(rate))
        {
            return rate;
        }

        return completionTokens is > 0 && timings.TryGetProperty("predicted_ms", out var ms) && ms.ValueKind == JsonValueKind.Number
            && ms.GetDouble() is > 0 and var predictedMs
                ? completionTokens.Value * 1000.0 / predictedMs
                : null;
    }

    private static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

    private static async Task<string> DescribeFailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            body = "";
        }

        var message = body;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                    && error.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String)
                {
                    message = text.GetString() ?? body;
                }
                else if (root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
                {
                    message = detail.GetString() ?? body;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the text itself says what went wrong.
        }

        message = message.Length > MaxErrorBodyChars ? message[..MaxErrorBodyChars] + "…" : message;
        var status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        return message.Length == 0 ? "HTTP " + status : "HTTP " + status + ": " + message;
    }

    internal static double Elapsed(long started) => Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
