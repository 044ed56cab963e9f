using System.Text.Json.Serialization;

namespace GenieHive.Facade.Errors;

/// <summary>OpenAI's error body: <c>{"error":{"message","type","param","code"}}</c>.</summary>
public sealed record OpenAiErrorEnvelope(OpenAiError Error);

public sealed record OpenAiError(
    string Message,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Param,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Code);

/// <summary>Values of <see cref="OpenAiError.Type"/>.</summary>
public static class OpenAiErrorTypes
{
    public const string InvalidRequest = "invalid_request_error";
    public const string NotFound = "not_found_error";
    public const string Unavailable = "service_unavailable_error";
    public const string Upstream = "upstream_error";
    public const string Server = "server_error";
    public const string Permission = "permission_error";
    public const string RateLimit = "rate_limit_error";
}

/// <summary>Values of <see cref="OpenAiError.Code"/>: stable, clients may switch on them.</summary>
public static class OpenAiErrorCodes
{
    public const string InvalidApiKey = "invalid_api_key";
    public const string InsufficientScope = "insufficient_scope";
    public const string ModelNotAllowed = "model_not_allowed";
    public const string RateLimitExceeded = "rate_limit_exceeded";
    public const string BudgetExceeded = "budget_exceeded";
    public const string TooManyInvalidKeys = "too_many_invalid_keys";
    public const string InvalidJson = "invalid_json";
    public const string MissingParameter = "missing_required_parameter";
    public const string InvalidType = "invalid_type";
    public const string ModelNotFound = "model_not_found";
    public const string EndpointNotFound = "unknown_url";
    public const string RequestTooLarge = "request_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string NoHealthyTarget = "no_healthy_target";
    public const string RoutingTableUnavailable = "routing_table_unavailable";
    public const string UpstreamUnreachable = "upstream_unreachable";
    public const string UpstreamTimeout = "upstream_timeout";
    public const string UpstreamError = "upstream_error";
    public const string UpstreamStreamInterrupted = "upstream_stream_interrupted";
    public const string ControlUnreachable = "control_unreachable";
    public const string InternalError = "internal_error";
}
