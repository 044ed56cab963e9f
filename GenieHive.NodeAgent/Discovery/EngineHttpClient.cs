using System.Net.Http.Headers;
using System.Text;

namespace GenieHive.NodeAgent.Discovery;

/// <summary>
/// GETs against local model servers, each bounded by the probe timeout. Failures come back as values,
/// never as exceptions: a model server that is down is an everyday state, not an error of the agent.
/// </summary>
/// <remarks>
/// The client is not made by the HTTP client factory on purpose: the service defaults put a retrying
/// resilience handler on every factory client, and a probe that retries would hide the very failures
/// it exists to count.
/// </remarks>
internal sealed class EngineHttpClient(HttpClient http, TimeProvider timeProvider, TimeSpan timeout) : IDisposable
{
    // Ollama's /api/tags on a host with hundreds of models is a few hundred kilobytes; anything far beyond is not an engine.
    private const int MaxBodyBytes = 8 * 1024 * 1024;

    public void Dispose() => http.Dispose();

    public async Task<EngineResponse> GetAsync(string endpoint, string path, CancellationToken cancellationToken)
    {
        var url = endpoint + path;
        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain", 0.9));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var body = await ReadBodyAsync(response.Content, linked.Token).ConfigureAwait(false);
            return body is null
                ? EngineResponse.Fail(url, $"GET {path} answered more than {MaxBodyBytes} bytes")
                : new EngineResponse(url, (int)response.StatusCode, body, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return EngineResponse.Fail(url, $"GET {path} timed out after {timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException ex)
        {
            return EngineResponse.Fail(url, $"GET {path} failed: {ex.HttpRequestError switch
            {
                HttpRequestError.ConnectionError => "connection refused or unreachable",
                HttpRequestError.NameResolutionError => "name not resolved",
                _ => ex.Message,
            }}");
        }
    }

    private static async Task<string?> ReadBodyAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}

/// <summary>An engine's answer: a status and body, or why there was none.</summary>
internal sealed record EngineResponse(string Url, int StatusCode, string Body, string? Failure)
{
    /// <summary>The server answered (any status).</summary>
    public bool Answered => Failure is null;

    public bool IsSuccess => Failure is null && StatusCode is >= 200 and < 300;

    public static EngineResponse Fail(string url, string failure) => new(url, 0, "", failure);

    /// <summary>A one-line reason for logs and <c>state.detail</c>.</summary>
    public string Describe(string path) => Failure ?? $"GET {path} answered {StatusCode}";
}
