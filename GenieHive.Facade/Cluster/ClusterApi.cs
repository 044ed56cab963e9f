using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using GenieHive.Contracts.Api;
using GenieHive.Contracts.Json;
using GenieHive.Facade.Auth;
using GenieHive.Facade.Errors;
using GenieHive.Facade.Proxy;
using Microsoft.Extensions.Options;
using Refit;

namespace GenieHive.Facade.Cluster;

/// <summary>
/// Control's operator API re-exposed at the same paths, so a client needs one base URL. Control's own status and
/// body are relayed; Control unreachable is a 502 in OpenAI's shape.
/// </summary>
public static partial class ClusterApi
{
    /// <summary>Maps <c>/v1/cluster/*</c> (client key required) as a relay to Control through <see cref="IClusterApi"/>.</summary>
    public static RouteGroupBuilder MapClusterApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/cluster").RequireClientKey();
        group.MapGet("/hosts", (IClusterApi api, HttpContext context) =>
            RelayAsync(api.GetHostsAsync(context.RequestAborted), GenieHiveJsonContext.Default.ListResponseHostView, context));
        group.MapGet("/services", (IClusterApi api, HttpContext context) =>
            RelayAsync(api.GetServicesAsync(context.RequestAborted), GenieHiveJsonContext.Default.ListResponseServiceView, context));
        group.MapGet("/roles", (IClusterApi api, HttpContext context) =>
            RelayAsync(api.GetRolesAsync(context.RequestAborted), GenieHiveJsonContext.Default.ListResponseRoleView, context));
        group.MapGet("/health", (IClusterApi api, HttpContext context) =>
            RelayAsync(api.GetHealthAsync(context.RequestAborted), GenieHiveJsonContext.Default.ClusterHealth, context));
        group.MapGet("/benchmarks", GetBenchmarksAsync);
        group.MapPost("/benchmarks", IngestBenchmarksAsync);
        group.MapGet("/routes/resolve", ResolveAsync);
        group.MapPost("/routes/match", MatchAsync);
        group.MapBenchmarkRunRelay();
        return group;
    }

    private static Task<IResult> GetBenchmarksAsync(IClusterApi api, HttpContext context)
    {
        var query = context.Request.Query;
        return RelayAsync(
            api.GetBenchmarksAsync(NullIfEmpty(query["service_id"]), NullIfEmpty(query["workload"]), context.RequestAborted),
            GenieHiveJsonContext.Default.ListResponseBenchmarkSample,
            context);
    }

    private static async Task<IResult> ResolveAsync(IClusterApi api, HttpContext context)
    {
        var query = context.Request.Query;
        if (NullIfEmpty(query["model"]) is not { } model)
        {
            return OpenAiErrors.Result(StatusCodes.Status400BadRequest, "Missing 'model' query parameter.",
                OpenAiErrorTypes.InvalidRequest, OpenAiErrorCodes.MissingParameter, "model");
        }

        return await RelayAsync(api.ResolveAsync(model, NullIfEmpty(query["kind"]), context.RequestAborted), GenieHiveJsonContext.Default.ResolveResponse, context);
    }

    private static async Task<IResult> IngestBenchmarksAsync(IClusterApi api, HttpContext context)
    {
        var (ingest, problem) = await ReadBodyAsync(context, GenieHiveJsonContext.Default.BenchmarkIngest);
        return ingest is null
            ? problem!
            : await RelayAsync(api.IngestBenchmarksAsync(ingest, context.RequestAborted), GenieHiveJsonContext.Default.BenchmarkIngestResult, context);
    }

    private static async Task<IResult> MatchAsync(IClusterApi api, HttpContext context)
    {
        var (request, problem) = await ReadBodyAsync(context, GenieHiveJsonContext.Default.RouteMatchRequest);
        return request is null
            ? problem!
            : await RelayAsync(api.MatchAsync(request, context.RequestAborted), GenieHiveJsonContext.Default.RouteMatchResponse, context);
    }

    private static async Task<(T? Value, IResult? Problem)> ReadBodyAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (!MediaTypes.IsJson(context.Request.ContentType))
        {
            return (null, OpenAiErrors.Result(StatusCodes.Status415UnsupportedMediaType, "The request body must be JSON (Content-Type: application/json).",
                OpenAiErrorTypes.InvalidRequest, OpenAiErrorCodes.UnsupportedMediaType));
        }

        // The same body limit as the OpenAI endpoints: without it Kestrel's 30 MB default would apply here.
        var maxBytes = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value.MaxRequestBodyBytes;
        using var body = await RequestBodyReader.ReadAsync(context, maxBytes);
        if (body is null)
        {
            return (null, OpenAiErrors.Result(StatusCodes.Status413PayloadTooLarge,
                "The request body is larger than the limit of " + maxBytes.ToString(CultureInfo.InvariantCulture) + " bytes.",
                OpenAiErrorTypes.InvalidRequest, OpenAiErrorCodes.RequestTooLarge));
        }

        try
        {
            var value = JsonSerializer.Deserialize(body.Span, typeInfo);
            return value is null
                ? (null, InvalidBody("The request body must be a JSON object."))
                : (value, null);
        }
        catch (JsonException)
        {
            return (null, InvalidBody("The request body is not valid JSON for this endpoint."));
        }
    }

    private static OpenAiErrorResult InvalidBody(string message) =>
        OpenAiErrors.Result(StatusCodes.Status400BadRequest, message, OpenAiErrorTypes.InvalidRequest, OpenAiErrorCodes.InvalidJson);

    /// <summary>Relays Control's answer: typed content re-serialised on success, Control's error body and status otherwise.</summary>
    private static async Task<IResult> RelayAsync<T>(Task<IApiResponse<T>> call, JsonTypeInfo<T> typeInfo, HttpContext context)
    {
        IApiResponse<T> response;
        try
        {
            response = await call;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ClusterApi).FullName!);
            LogControlUnreachable(logger, context.Request.Path.Value ?? string.Empty, ex.GetType().Name);
            return OpenAiErrors.Result(StatusCodes.Status502BadGateway, "Control could not be reached.",
                OpenAiErrorTypes.Upstream, OpenAiErrorCodes.ControlUnreachable);
        }

        using (response)
        {
            if (response.StatusCode is not { } statusCode)
            {
                return OpenAiErrors.Result(StatusCodes.Status502BadGateway, "Control could not be reached.",
                    OpenAiErrorTypes.Upstream, OpenAiErrorCodes.ControlUnreachable);
            }

            var status = (int)statusCode;
            if (response.IsSuccessStatusCode)
            {
                return response.Content is { } content
                    ? TypedResults.Json(content, typeInfo, statusCode: status)
                    : TypedResults.StatusCode(status);
            }

            var error = response.Error as ApiException;
            var contentType = error?.ContentHeaders?.ContentType?.ToString() ?? "application/json";
            return TypedResults.Content(error?.Content ?? string.Empty, contentType, statusCode: status);
        }
    }

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) =>
        value.Count == 0 || string.IsNullOrEmpty(value[0]) ? null : value[0];

    [LoggerMessage(1, LogLevel.Warning, "Control unreachable for {Path} ({Error})")]
    private static partial void LogControlUnreachable(ILogger logger, string path, string error);
}
