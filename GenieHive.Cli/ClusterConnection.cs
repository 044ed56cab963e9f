using System.Net.Http.Headers;
using System.Text.Json;
using GenieHive.Contracts.Api;
using GenieHive.Contracts.Json;
using Refit;

namespace GenieHive.Cli;

/// <summary>
/// The operator API through the same Refit contract the services use (<see cref="IClusterApi"/>), at the facade's
/// address (which re-exposes it), with the client key sent as <c>Authorization: Bearer</c>.
/// </summary>
public sealed class ClusterConnection : IDisposable
{
    public const string DefaultUrl = "http://localhost:8800";
    public const string DefaultKey = "dev-key";
    public const string UrlVariable = "GENIEHIVE_URL";
    public const string KeyVariable = "GENIEHIVE_API_KEY";

    private readonly HttpClient _http;

    public ClusterConnection(Uri baseAddress, string? key, HttpMessageHandler? handler = null)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = baseAddress;
        _http.Timeout = TimeSpan.FromSeconds(60);
        if (!string.IsNullOrEmpty(key))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        BaseAddress = baseAddress;
        Api = RestService.For<IClusterApi>(_http, GenieHiveJsonContext.CreateRefitSettings());
        Admin = RestService.For<IKeyAdminApi>(_http, GenieHiveJsonContext.CreateRefitSettings());
    }

    public Uri BaseAddress { get; }

    public IClusterApi Api { get; }

    /// <summary>The admin API (keys, audit), at the same address.</summary>
    public IKeyAdminApi Admin { get; }

    /// <summary>As <see cref="CallAsync{T}"/>, over the admin API.</summary>
    public Task<T> CallAdminAsync<T>(Func<IKeyAdminApi, CancellationToken, Task<IApiResponse<T>>> call, CancellationToken cancellationToken) =>
        CallCoreAsync(ct => call(Admin, ct), cancellationToken);

    /// <summary>
    /// Awaits a call and returns its content, or throws <see cref="CliFailure"/> with the API's own message
    /// (ProblemDetails <c>detail</c>, or OpenAI's <c>error.message</c>) or why the address could not be reached.
    /// </summary>
    public Task<T> CallAsync<T>(Func<IClusterApi, CancellationToken, Task<IApiResponse<T>>> call, CancellationToken cancellationToken) =>
        CallCoreAsync(ct => call(Api, ct), cancellationToken);

    private async Task<T> CallCoreAsync<T>(Func<CancellationToken, Task<IApiResponse<T>>> call, CancellationToken cancellationToken)
    {
        IApiResponse<T> response;
        try
        {
            response = await call(cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new CliFailure($"cannot reach {BaseAddress}: {ex.Message} (set --url or {UrlVariable})");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliFailure($"{BaseAddress} did not answer within {_http.Timeout.TotalSeconds:0} s");
        }

        using (response)
        {
            if (response.IsSuccessStatusCode && response.Content is { } content)
            {
                return content;
            }

            if (response.StatusCode is not { } code || (int)code == 0)
            {
                var reason = (response.Error?.InnerException ?? response.Error)?.Message ?? "no answer";
                throw new CliFailure($"cannot reach {BaseAddress}: {reason} (set --url or {UrlVariable})");
            }

            var status = (int)code;
            var message = Describe((response.Error as ApiException)?.Content) ?? response.Error?.Message ?? "no answer";
            var hint = status == 401 ? $" (set --key or {KeyVariable})" : "";
            throw new CliFailure($"HTTP {status}: {message}{hint}");
        }
    }

    public void Dispose() => _http.Dispose();

    private static string? Describe(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
                {
                    return detail.GetString();
                }

                if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                    && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                {
                    return message.GetString();
                }

                if (root.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String)
                {
                    return title.GetString();
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: show the text.
        }

        return body.Length > 300 ? body[..300] + "…" : body;
    }
}
