using System.Globalization;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace GenieHive.ServiceDefaults;

/// <summary>
/// Sends every call of a client of Control to <see cref="ControlEndpoints.Current"/> (keeping the path and query) and
/// decides what a failure is: a connection error, a timeout or a 5xx is; a 4xx is Control's answer and is not. A GET
/// (or HEAD, OPTIONS) that failed is sent again to the next URL within the same call; any other method is sent again
/// only when it certainly reached no server (refused connection, unknown name, open circuit) or was certainly refused
/// unapplied (a 503 <see cref="NotLeaderCode"/>: a follower replica, asked what only the leader does), because a POST
/// that timed out or got another 5xx may have been applied, and docs/operations.md promises no automatic re-send of such a call.
/// It sits outside the resilience handler, which is keyed by authority, so each URL has its own timeouts and circuit.
/// </summary>
public sealed class ControlFailoverHandler(ControlEndpoints endpoints) : DelegatingHandler
{
    /// <summary>The ProblemDetails <c>code</c> of Control's 503 for a call only the leader among its replicas takes.</summary>
    public const string NotLeaderCode = "not_leader";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (endpoints.All.Count == 0 || request.RequestUri is not { } original)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var mayResend = IsIdempotent(request.Method);
        for (var attempt = 1; ; attempt++)
        {
            var endpoint = endpoints.Current!;
            request.RequestUri = Rebase(endpoint, original);
            var last = attempt >= endpoints.All.Count;
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && Classify(ex) is { } failure)
            {
                endpoints.Failed(endpoint, failure.Reason);
                if (last || !(mayResend || failure.CertainlyUnsent))
                {
                    throw;
                }

                continue;
            }

            if ((int)response.StatusCode >= 500)
            {
                var notLeader = await IsNotLeaderAsync(response, cancellationToken).ConfigureAwait(false);
                endpoints.Failed(endpoint, notLeader ? NotLeaderCode : "HTTP " + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
                if (!last && (mayResend || notLeader))
                {
                    response.Dispose();
                    continue;
                }
            }

            return response;
        }
    }

    /// <summary>The failure an exception stands for, or null when it is not one of Control's (a bug of the caller's, say).</summary>
    internal static (string Reason, bool CertainlyUnsent)? Classify(Exception exception) => exception switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } e =>
            ("cannot connect: " + e.HttpRequestError, true),
        BrokenCircuitException => ("circuit open", true),
        HttpRequestException e => ("request failed: " + e.HttpRequestError, false),
        TimeoutRejectedException or OperationCanceledException => ("timed out", false),
        _ => null,
    };

    /// <summary>A 503 whose ProblemDetails <c>code</c> is <see cref="NotLeaderCode"/> (its small body read into memory).</summary>
    private static async Task<bool> IsNotLeaderAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable
            || response.Content.Headers.ContentType?.MediaType is not { } type || !type.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            // A copy of the buffered bytes, not ReadAsStreamAsync: that stream is cached by the content, and read to its end
            // here it would leave nothing for whoever relays the answer (the facade's relay of Control's 503s).
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
            return body.RootElement.ValueKind == JsonValueKind.Object
                && body.RootElement.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.String && code.ValueEquals(NotLeaderCode);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options;

    // The client's base address (http://control) or a URL service discovery resolved it to: only the path and query are the caller's.
    private static Uri Rebase(Uri endpoint, Uri original)
    {
        var pathAndQuery = original.IsAbsoluteUri ? original.PathAndQuery : "/" + original.OriginalString.TrimStart('/');
        return new Uri(endpoint.GetLeftPart(UriPartial.Authority) + pathAndQuery);
    }
}
