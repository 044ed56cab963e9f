using System.Globalization;

namespace GenieHive.Simulator.Wire;

/// <summary>
/// An error answer in OpenAI's shape, <c>{"error":{"message","type","param","code"}}</c>. Errors that llama-server
/// itself produces keep its numeric <c>code</c> and its extra fields, so a facade passing them through is tested
/// against the real thing.
/// </summary>
public sealed record OpenAiError(int Status, string Message, string Type, string? Code, string? Param = null) : IResult
{
    public const string InvalidRequest = "invalid_request_error";

    /// <summary>400 for a body that is not the JSON expected.</summary>
    public static OpenAiError BadRequest(string message, string? param = null) =>
        new(StatusCodes.Status400BadRequest, message, InvalidRequest, "invalid_request_error", param);

    /// <summary>
    /// 400 for a body that is valid JSON but not Unicode text (a lone surrogate escape, which System.Text.Json refuses
    /// to read as a string): the client's to fix, as with llama.cpp, never a 500.
    /// </summary>
    public static OpenAiError NotUnicodeText(InvalidOperationException exception) =>
        BadRequest("The request body is not valid Unicode text: " + exception.Message);

    /// <summary>404 <c>model_not_found</c> for a model id this simulator does not serve (for that endpoint).</summary>
    public static OpenAiError ModelNotFound(string model) =>
        new(StatusCodes.Status404NotFound, $"The model '{model}' does not exist.", InvalidRequest, "model_not_found", "model");

    /// <summary>Lets a typed-results handler answer with the error.</summary>
    public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext);

    /// <summary>Writes the error as the whole response.</summary>
    public Task WriteAsync(HttpContext context, string? retryAfterSeconds = null)
    {
        var body = PooledJsonResponse.Rent();
        var writer = body.Writer;
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", Message);
        writer.WriteString("type", Type);
        if (Param is null)
        {
            writer.WriteNull("param");
        }
        else
        {
            writer.WriteString("param", Param);
        }

        if (Code is null)
        {
            writer.WriteNumber("code", Status);
        }
        else
        {
            writer.WriteString("code", Code);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        if (retryAfterSeconds is not null)
        {
            context.Response.Headers.RetryAfter = retryAfterSeconds;
        }

        return body.SendAsync(context, Status, "application/json; charset=utf-8");
    }

    /// <summary>
    /// llama-server's 400 when prompt and generation do not fit the context, with its fields
    /// (<c>type</c> <c>exceed_context_size_error</c>, numeric <c>code</c>, <c>n_prompt_tokens</c>, <c>n_ctx</c>).
    /// </summary>
    public static Task WriteExceedContextAsync(HttpContext context, int requestTokens, int promptTokens, int contextSize)
    {
        var body = PooledJsonResponse.Rent();
        var writer = body.Writer;
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteNumber("code", StatusCodes.Status400BadRequest);
        writer.WriteString(
            "message",
            string.Create(
                CultureInfo.InvariantCulture,
                $"request ({requestTokens} tokens) exceeds the available context size ({contextSize} tokens), try increasing it"));
        writer.WriteString("type", "exceed_context_size_error");
        writer.WriteNumber("n_prompt_tokens", promptTokens);
        writer.WriteNumber("n_ctx", contextSize);
        writer.WriteEndObject();
        writer.WriteEndObject();
        return body.SendAsync(context, StatusCodes.Status400BadRequest, "application/json; charset=utf-8");
    }

    /// <summary>The error type llama-server uses for a status (what a simulated fault answers with).</summary>
    public static string TypeFor(int status) => status switch
    {
        400 => InvalidRequest,
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        429 => "rate_limit_error",
        501 => "not_supported_error",
        503 => "unavailable_error",
        _ when status < 500 => InvalidRequest,
        _ => "server_error",
    };
}
