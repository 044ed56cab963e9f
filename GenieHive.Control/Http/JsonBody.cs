using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Http;

/// <summary>The outcome of reading a JSON body: a value, or the ProblemDetails to answer with.</summary>
public readonly record struct BodyResult<T>(T? Value, ProblemHttpResult? Problem)
    where T : class;

/// <summary>
/// Reads every POST body the same way, so malformed input gets the same answers everywhere:
/// 415 for a non-JSON content type, 413 above <see cref="LimitsOptions.MaxRequestBodyBytes"/>,
/// 400 naming the field for malformed, truncated, mistyped, incomplete or too deeply nested JSON.
/// Never an exception, so never a 500.
/// </summary>
public sealed class JsonBody(IOptions<LimitsOptions> limits)
{
    private readonly long _maxBytes = limits.Value.MaxRequestBodyBytes;

    public long MaxBytes => _maxBytes;

    public async Task<BodyResult<T>> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return new(null, Problems.UnsupportedMediaType(request.ContentType));
        }

        if (request.ContentLength > _maxBytes)
        {
            return new(null, Problems.PayloadTooLarge(_maxBytes));
        }

        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = _maxBytes;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read;
                try
                {
                    read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                }
                catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
                {
                    return new(null, Problems.PayloadTooLarge(_maxBytes));
                }
                catch (BadHttpRequestException)
                {
                    return new(null, Problems.BadRequest("The request body could not be read completely."));
                }

                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > _maxBytes)
                {
                    return new(null, Problems.PayloadTooLarge(_maxBytes));
                }
            }

            if (length == 0)
            {
                return new(null, Problems.BadRequest("A JSON body is required."));
            }

            return Deserialize(buffer.AsSpan(0, length), typeInfo);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Deserializes bytes already in memory, turning every <see cref="JsonException"/> into a 400.</summary>
    public static BodyResult<T> Deserialize<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            var value = JsonSerializer.Deserialize(json, typeInfo);
            return value is null
                ? new(null, Problems.BadRequest("The request body must be a JSON object, not null."))
                : new(value, null);
        }
        catch (JsonException ex)
        {
            return new(null, Describe(ex));
        }
    }

    private static ProblemHttpResult Describe(JsonException ex)
    {
        var message = ex.Message;
        var field = FieldOf(ex.Path);

        const string MissingMarker = "missing required properties including: ";
        var missing = message.IndexOf(MissingMarker, StringComparison.Ordinal);
        if (missing >= 0)
        {
            var names = message[(missing + MissingMarker.Length)..].TrimEnd('.', ' ');
            var first = names.Split(',')[0].Trim().Trim('\'');
            var qualified = field is null ? first : field + "." + first;
            return Problems.BadRequest(string.Create(CultureInfo.InvariantCulture,
                $"Missing required field(s) {names}{(field is null ? "" : " in " + field)}."), qualified);
        }

        if (message.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            return Problems.BadRequest("The JSON is nested too deeply.", field);
        }

        const string ConvertMarker = "The JSON value could not be converted to ";
        if (message.StartsWith(ConvertMarker, StringComparison.Ordinal) && field is not null)
        {
            var typeName = message[ConvertMarker.Length..];
            var end = typeName.IndexOf(". Path:", StringComparison.Ordinal);
            typeName = end >= 0 ? typeName[..end] : typeName;
            return Problems.BadRequest(string.Create(CultureInfo.InvariantCulture,
                $"Invalid value for '{field}': {Expectation(typeName)}."), field);
        }

        // Syntax errors (malformed or truncated JSON): the reader's own wording, without internals.
        var reason = message;
        var pathAt = reason.IndexOf(" Path:", StringComparison.Ordinal);
        if (pathAt >= 0)
        {
            reason = reason[..pathAt];
        }

        if (reason.Contains("System.", StringComparison.Ordinal))
        {
            reason = "unexpected content.";
        }

        return Problems.BadRequest(string.Create(CultureInfo.InvariantCulture,
            $"The request body is not valid JSON (line {(ex.LineNumber ?? 0) + 1}, byte {ex.BytePositionInLine ?? 0}): {reason}"), field);
    }

    private static string? FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static string Expectation(string typeName) => typeName switch
    {
        _ when typeName.Contains("System.String", StringComparison.Ordinal) && !typeName.Contains('`') => "expected a string",
        _ when typeName.Contains("Int32", StringComparison.Ordinal) || typeName.Contains("Int64", StringComparison.Ordinal) => "expected an integer",
        _ when typeName.Contains("Double", StringComparison.Ordinal) => "expected a number",
        _ when typeName.Contains("Boolean", StringComparison.Ordinal) => "expected true or false",
        _ when typeName.Contains("List`1", StringComparison.Ordinal) || typeName.EndsWith("[]", StringComparison.Ordinal) => "expected an array",
        _ => "expected an object",
    };
}
