using GenieHive.Contracts;
using GenieHive.Facade.Errors;
using GenieHive.Facade.Proxy;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace GenieHive.Facade.Cluster;

/// <summary>
/// Relays a request to the same path on Control as bytes: method, path and query, the request body (streamed, under
/// <see cref="LimitsOptions.MaxRequestBodyBytes"/>), then Control's status, headers and body as they are. Nothing is
/// parsed, so every answer has Control's own status and shape, and a new Control endpoint needs no facade change.
/// The facade's own answers are only its own concerns: the client key (checked before), a body over the limit
/// (413) and Control unreachable (502), in OpenAI's shape.
/// </summary>
internal sealed partial class ControlRelay(IHttpClientFactory clients, IOptions<LimitsOptions> limits, ILogger<ControlRelay> logger)
{
    // What a client says about its request that Control may act on. Its keys are not among them: the facade checked
    // them and presents its own (ControlKeyHandler).
    private static readonly string[] ForwardedHeaders = ["Accept", "Accept-Language"];

    private readonly int _maxBodyBytes = limits.Value.MaxRequestBodyBytes;

    public async Task RelayAsync(HttpContext context)
    {
        var incoming = context.Request;
        var requestId = context.Response.Headers[GenieHiveHeaders.RequestId].ToString();
        if (incoming.ContentLength > _maxBodyBytes)
        {
            await OpenAiProxyErrors.Instance.WriteClientErrorAsync(context, ClientError.TooLarge(_maxBodyBytes));
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(incoming.Method), Target(context));
        // An empty body with its content type still says what it is (Control answers it 400, not 415).
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true || incoming.ContentType is not null)
        {
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
            {
                // Our limit decides, not Kestrel's default; one byte more lets the counting stream see it exceeded.
                sizeFeature.MaxRequestBodySize = (long)_maxBodyBytes + 1;
            }

            request.Content = new StreamContent(new LimitedReadStream(incoming.Body, _maxBodyBytes));
            request.Content.Headers.ContentLength = incoming.ContentLength;
            if (incoming.ContentType is { } contentType)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        foreach (var name in ForwardedHeaders)
        {
            if (incoming.Headers.TryGetValue(name, out var values))
            {
                request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        request.Headers.TryAddWithoutValidation(GenieHiveHeaders.RequestId, requestId);

        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(ControlClient.Name).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (Exception ex) when (Find<RequestTooLargeException>(ex) is not null)
        {
            await OpenAiProxyErrors.Instance.WriteClientErrorAsync(context, ClientError.TooLarge(_maxBodyBytes));
            return;
        }
        catch (Exception ex) when (Find<BadHttpRequestException>(ex) is { } clientFault)
        {
            // The client's body broke off or was malformed: Kestrel's own verdict, answered by the edge middleware.
            throw clientFault;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            LogControlUnreachable(logger, incoming.Path.Value ?? string.Empty, ex.GetType().Name);
            await WriteUnreachableAsync(context);
            return;
        }

        using (response)
        {
            var client = context.Response;
            client.StatusCode = (int)response.StatusCode;
            ResponseHeaderCopier.Copy(response, client);
            client.ContentLength = response.Content.Headers.ContentLength;
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
                await body.CopyToAsync(client.Body, context.RequestAborted);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
            {
                if (context.RequestAborted.IsCancellationRequested)
                {
                    return;
                }

                LogControlUnreachable(logger, incoming.Path.Value ?? string.Empty, ex.GetType().Name);
                if (client.HasStarted)
                {
                    // Part of Control's answer is out: cutting the connection is the only honest end.
                    context.Abort();
                    return;
                }

                client.Clear();
                client.Headers[GenieHiveHeaders.RequestId] = requestId;
                await WriteUnreachableAsync(context);
            }
        }
    }

    /// <summary>The path and query as the client sent them (escapes kept), relative to Control's base address.</summary>
    private static Uri Target(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var target = raw is { Length: > 0 } && raw[0] == '/'
            ? raw
            : context.Request.Path.ToUriComponent() + context.Request.QueryString.ToUriComponent();
        return new Uri(target, UriKind.Relative);
    }

    private static Task WriteUnreachableAsync(HttpContext context) =>
        OpenAiErrors.WriteAsync(context, StatusCodes.Status502BadGateway, "Control could not be reached.",
            OpenAiErrorTypes.Upstream, OpenAiErrorCodes.ControlUnreachable);

    private static T? Find<T>(Exception? ex)
        where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T found)
            {
                return found;
            }
        }

        return null;
    }

    [LoggerMessage(1, LogLevel.Warning, "Control unreachable for {Path} ({Error})")]
    private static partial void LogControlUnreachable(ILogger logger, string path, string error);
}
