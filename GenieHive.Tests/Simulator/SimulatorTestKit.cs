using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GenieHive.Tests.Simulator;

/// <summary>Request builders, an SSE reader and a bounded poll for the simulator tests.</summary>
public static class SimulatorTestKit
{
    public static HttpContent Json(string json) => new StringContent(json, Encoding.UTF8, "application/json");

    public static HttpContent Json(JsonNode node) => Json(node.ToJsonString());

    /// <summary>A chat request body.</summary>
    public static JsonObject Chat(string prompt = "Say hello to the hive", int? maxTokens = null, bool stream = false, string? model = null)
    {
        var body = new JsonObject
        {
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "system", ["content"] = "You are terse." },
                new JsonObject { ["role"] = "user", ["content"] = prompt }),
        };
        if (model is not null)
        {
            body["model"] = model;
        }

        if (maxTokens is not null)
        {
            body["max_tokens"] = maxTokens;
        }

        if (stream)
        {
            body["stream"] = true;
        }

        return body;
    }

    public static HttpRequestMessage Post(string path, JsonNode body) => new(HttpMethod.Post, path) { Content = Json(body) };

    /// <summary>Sends and reads a JSON answer, asserting the status.</summary>
    public static async Task<JsonElement> PostJsonAsync(HttpClient client, string path, JsonNode body, int expectedStatus = 200)
    {
        using var response = await client.PostAsync(path, Json(body), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(expectedStatus == (int)response.StatusCode, $"expected {expectedStatus}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The <c>data:</c> payloads of an SSE body, in order, up to the end of the stream.</summary>
    public static async Task<List<string>> ReadEventsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var events = new List<string>();
        await foreach (var data in EventsAsync(response, cancellationToken))
        {
            events.Add(data);
        }

        return events;
    }

    /// <summary>The <c>data:</c> payloads of an SSE body as they arrive.</summary>
    public static async IAsyncEnumerable<string> EventsAsync(
        HttpResponseMessage response,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                yield return line["data: ".Length..];
            }
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes (for background state).</summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, string what, double seconds = 10) =>
        Testing.Eventually.UntilAsync(condition, what, TimeSpan.FromSeconds(seconds));

    /// <summary>Reads one value of <c>/metrics</c> (without the <c>llamacpp:</c> prefix).</summary>
    public static async Task<double> MetricAsync(HttpClient client, string name)
    {
        var text = await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("llamacpp:" + name + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(line.IndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"Metric {name} not found in:\n{text}");
    }

    public static double Cosine(JsonElement a, JsonElement b)
    {
        double sum = 0;
        var left = a.EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var right = b.EnumerateArray().Select(x => x.GetDouble()).ToArray();
        for (var i = 0; i < left.Length; i++)
        {
            sum += left[i] * right[i];
        }

        return sum;
    }

    public static Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
}
