using GenieHive.Facade.Errors;

namespace GenieHive.Facade.Auth;

/// <summary>
/// Why a key may not do what it asked, as status, stable code and message: written in OpenAI's shape by the OpenAI
/// endpoints (<see cref="WriteOpenAiAsync"/>); another API's endpoints write the same fields in their own shape.
/// </summary>
public sealed record KeyRefusal(int StatusCode, string Type, string Code, string Message, int? RetryAfterSeconds = null) : IResult
{
    public static readonly KeyRefusal InvalidKey =
        new(StatusCodes.Status401Unauthorized, OpenAiErrorTypes.InvalidRequest, OpenAiErrorCodes.InvalidApiKey, "Invalid API key.");

    public static KeyRefusal InsufficientScope(string scope) =>
        new(StatusCodes.Status403Forbidden, OpenAiErrorTypes.Permission, OpenAiErrorCodes.InsufficientScope,
            "This key does not have the '" + scope + "' scope this endpoint needs.");

    public static KeyRefusal ModelNotAllowed(string model) =>
        new(StatusCodes.Status403Forbidden, OpenAiErrorTypes.Permission, OpenAiErrorCodes.ModelNotAllowed,
            "This key may not use the model '" + model + "'.");

    public static KeyRefusal RateLimited(string what, int retryAfterSeconds) =>
        new(StatusCodes.Status429TooManyRequests, OpenAiErrorTypes.RateLimit, OpenAiErrorCodes.RateLimitExceeded,
            "This key's " + what + " per minute limit is reached; retry after the Retry-After seconds.", retryAfterSeconds);

    public static KeyRefusal BudgetExceeded(int retryAfterSeconds) =>
        new(StatusCodes.Status429TooManyRequests, OpenAiErrorTypes.RateLimit, OpenAiErrorCodes.BudgetExceeded,
            "This key's monthly token budget is used up.", retryAfterSeconds);

    public static KeyRefusal TooManyInvalidKeys(int retryAfterSeconds) =>
        new(StatusCodes.Status429TooManyRequests, OpenAiErrorTypes.RateLimit, OpenAiErrorCodes.TooManyInvalidKeys,
            "Too many requests with invalid keys from this address; retry after the Retry-After seconds.", retryAfterSeconds);

    /// <summary>As a minimal API result: OpenAI's shape.</summary>
    public Task ExecuteAsync(HttpContext httpContext) => WriteOpenAiAsync(httpContext);

    /// <summary>Writes the refusal in OpenAI's shape (with <c>Retry-After</c> when it has one).</summary>
    public Task WriteOpenAiAsync(HttpContext context) =>
        OpenAiErrors.WriteAsync(context, StatusCode, Message, Type, Code, param: null, RetryAfterSeconds);
}
