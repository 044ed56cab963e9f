using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GenieHive.Bench.Soak.Stats;
using GenieHive.Contracts;

namespace GenieHive.Bench.Soak.Traffic;

/// <summary>
/// Steady client traffic through the facade: <c>Clients</c> workers, each pacing its requests so that together they
/// send <c>ClientRate</c> requests per second (a worker that falls behind does not burst to catch up). Every answer is
/// checked, not just its status: a JSON chat has a message, a stream ends with <c>[DONE]</c> and carries no error
/// event, an embedding has a vector, and the service that answered belongs to a traffic host.
/// </summary>
internal sealed class ClientDriver(HttpClient facade, SoakSettings settings, RunClock clock)
{
    private long _sequence;

    public LatencyLog All { get; } = new();
    public Dictionary<RequestKind, LatencyLog> ByKind { get; } = new()
    {
        [RequestKind.ChatJson] = new(),
        [RequestKind.ChatStream] = new(),
        [RequestKind.Embeddings] = new(),
    };

    /// <summary>Client-side time to the first content event of streamed chats.</summary>
    public LatencyLog StreamTtft { get; } = new();

    public ErrorBook Errors { get; } = new();

    public long Sent => Interlocked.Read(ref _sequence);

    /// <summary>Sends requests until <paramref name="stop"/>; a request in progress completes.</summary>
    public Task RunAsync(CancellationToken stop, CancellationToken abort) =>
        Task.WhenAll(Enumerable.Range(0, settings.Clients).Select(worker => Task.Run(() => WorkerAsync(worker, stop, abort), CancellationToken.None)));

    /// <summary>One request outside the measured phase (warm-up); true when it was answered correctly.</summary>
    public async Task<bool> ProbeAsync(RequestSpec spec, CancellationToken cancellationToken)
    {
        var scratch = new ErrorBook();
        await SendAsync(spec, "soak-warmup", scratch, record: false, cancellationToken);
        return scratch.Total == 0;
    }

    private async Task WorkerAsync(int worker, CancellationToken stop, CancellationToken abort)
    {
        var period = TimeSpan.FromSeconds(settings.Clients / settings.ClientRate);
        var next = Stopwatch.GetTimestamp() + (long)(period.TotalSeconds * Stopwatch.Frequency * worker / settings.Clients);
        while (!stop.IsCancellationRequested)
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            var sequence = Interlocked.Increment(ref _sequence);
            var requestId = "soak-" + worker.ToString(CultureInfo.InvariantCulture) + "-" + sequence.ToString(CultureInfo.InvariantCulture);
            await SendAsync(RequestMix.For(sequence), requestId, Errors, record: true, abort);

            next += (long)(period.TotalSeconds * Stopwatch.Frequency);
            var now = Stopwatch.GetTimestamp();
            if (next < now)
            {
                // Behind schedule (a slow answer): carry on from now rather than fire a burst.
                next = now;
            }
        }
    }

    private async Task SendAsync(RequestSpec spec, string requestId, ErrorBook errors, bool record, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, spec.Path) { Content = new ByteArrayContent(spec.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ClientKey);
        request.Headers.TryAddWithoutValidation(GenieHiveHeaders.RequestId, requestId);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await facade.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            string? problem;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                errors.Add(spec.Label + "_" + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), spec.Model + " " + requestId + ": " + body);
                return;
            }

            if (!ServedByTrafficHost(response))
            {
                errors.Add(spec.Label + "_wrong_service", spec.Model + " " + requestId + ": answered by "
                    + (response.Headers.TryGetValues(GenieHiveHeaders.ServiceId, out var ids) ? string.Join(',', ids) : "(no service header)"));
                return;
            }

            problem = spec.Kind == RequestKind.ChatStream
                ? await ReadStreamAsync(response, started, record, cancellationToken)
                : CheckJson(spec.Kind, await response.Content.ReadAsByteArrayAsync(cancellationToken));
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (problem is not null)
            {
                errors.Add(spec.Label + "_bad_answer", spec.Model + " " + requestId + ": " + problem);
                return;
            }

            if (record)
            {
                var at = clock.Seconds;
                All.Add(at, elapsed);
                ByKind[spec.Kind].Add(at, elapsed);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            errors.Add(spec.Label + "_" + ex.GetType().Name, spec.Model + " " + requestId + ": " + ex.Message);
        }
    }

    // The traffic hosts are the first of the fleet (FleetPlan), so their service ids start soak-000 .. soak-(N-1).
    private bool ServedByTrafficHost(HttpResponseMessage response) =>
        response.Headers.TryGetValues(GenieHiveHeaders.ServiceId, out var values)
        && values.FirstOrDefault() is { } serviceId
        && serviceId.StartsWith("soak-", StringComparison.Ordinal)
        && int.TryParse(serviceId.AsSpan(5, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var host)
        && host < settings.TrafficHosts;

    private async Task<string?> ReadStreamAsync(HttpResponseMessage response, long started, bool record, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType is not "text/event-stream")
        {
            return "not an event stream: " + response.Content.Headers.ContentType;
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var sawContent = false;
        var done = false;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!line.StartsWith("data:", StringComparison.Ordinal))
            {
                continue;
            }

            var data = line.AsSpan(5).Trim();
            if (data.SequenceEqual("[DONE]"))
            {
                done = true;
                continue;
            }

            if (done)
            {
                return "data after [DONE]";
            }

            if (data.Contains("\"error\"", StringComparison.Ordinal))
            {
                return "error event: " + line;
            }

            if (!sawContent && data.Contains("\"content\"", StringComparison.Ordinal))
            {
                sawContent = true;
                if (record)
                {
                    StreamTtft.Add(clock.Seconds, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }
        }

        return !done ? "the stream ended without [DONE]" : !sawContent ? "no content in the stream" : null;
    }

    private static string? CheckJson(RequestKind kind, byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (kind == RequestKind.Embeddings)
            {
                return root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array && data.GetArrayLength() > 0
                    && data[0].TryGetProperty("embedding", out var vector) && vector.ValueKind == JsonValueKind.Array && vector.GetArrayLength() > 0
                        ? null
                        : "no embedding in the answer";
            }

            return root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0
                && choices[0].TryGetProperty("message", out var message) && message.TryGetProperty("content", out var content)
                && content.ValueKind == JsonValueKind.String && content.GetString()!.Length > 0
                    ? null
                    : "no message content in the answer";
        }
        catch (JsonException ex)
        {
            return "invalid JSON: " + ex.Message;
        }
    }
}
