using GenieHive.Contracts.Json;
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
/// 415 for a non-JSON content type, 413 above <see cref="ControlApiOptions.MaxRequestBodyBytes"/>,
/// 400 naming the field for malformed, truncated, mistyped, incomplete or too deeply nested JSON.
/// Never an exception, so never a 500.
/// </summary>
public sealed class JsonBody(IOptions<ControlApiOptions> limits)
{
    private readonly long _maxBytes = limits.Value.MaxRequestBodyBytes;

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
                catch (Exception ex) when (ex is BadHttpRequestException or IOException)
                {
                    // Truncated or reset by the client: nobody may be listening, but the answer is still a 400.
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

            return Deserialize(buffer.AsMemory(0, length), typeInfo);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Deserializes bytes already in memory, turning every <see cref="JsonException"/> into a 400.</summary>
    public static BodyResult<T> Deserialize<T>(ReadOnlyMemory<byte> json, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        // Valid JSON whose strings are not Unicode text (invalid UTF-8, a lone surrogate escape) deserializes, then throws
        // where a free-form object (heartbeat metrics, benchmark results) is read or stored: refused here, by the same
        // rule as the facade's (found by the endpoint fuzz suite as 500s).
        // Syntax and depth are left to the deserializer, whose refusals name the field.
        var problem = JsonUnicode.DocumentProblem(json.Span, maxDepth: 1024);
        if (problem is not null && problem != JsonUnicode.NotJson)
        {
            return new(null, Problems.BadRequest("The request body is not valid JSON text: " + problem + "."));
        }

        if (problem is null && RepeatsAKey(json))
        {
            return new(null, Problems.BadRequest("The request body repeats a property inside one object."));
        }

        try
        {
            var value = JsonSerializer.Deserialize(json.Span, typeInfo);
            return value is null
                ? new(null, Problems.BadRequest("The request body must be a JSON object, not null."))
                : new(value, null);
        }
        catch (JsonException ex)
        {
            return new(null, Describe(ex, typeInfo));
        }
    }

    // The contracts refuse a repeated field (GenieHiveJsonContext), but a free-form object (heartbeat metrics, host
    // capabilities, benchmark results) is read lazily and throws only where it is walked, as a 500 (found by the deep
    // endpoint fuzz run). JsonDocument checks every object; the document is syntactically valid by now, so any
    // refusal is a repeated key.
    private static readonly JsonDocumentOptions RepeatedKeyCheck = new() { MaxDepth = 1024, AllowDuplicateProperties = false };

    private static bool RepeatsAKey(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, RepeatedKeyCheck);
            return false;
        }
        catch (JsonException)
        {
            return true;
        }
    }

    private static ProblemHttpResult Describe(JsonException ex, JsonTypeInfo root)
    {
        var message = ex.Message;
        var field = FieldOf(ex.Path);

        const string MissingMarker = "missing required properties including: ";
        var missing = message.IndexOf(MissingMarker, StringComparison.Ordinal);
        if (missing >= 0)
        {
            var names = message[(missing + MissingMarker.Length)..].TrimEnd('.', ' ')
                .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(name => name.Trim('\''))
                .Select(name => field is null ? name : field + "." + name)
                .ToList();
            return Problems.BadRequest(
                $"Missing required field{(names.Count == 1 ? "" : "s")}: {string.Join(", ", names)}.",
                names.FirstOrDefault() ?? field);
        }

        if (message.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            return Problems.BadRequest("The JSON is nested too deeply.", field);
        }

        const string ConvertMarker = "The JSON value could not be converted to ";
        if (message.StartsWith(ConvertMarker, StringComparison.Ordinal))
        {
            // At the root the serializer's message names the contract type: say what is wanted instead.
            return field is null
                ? Problems.BadRequest("The request body must be a JSON object.")
                : Problems.BadRequest(string.Create(CultureInfo.InvariantCulture,
                    $"Invalid value for '{field}': expected {Expectation(TypeAt(root, ex.Path!))}."), field);
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

    /// <summary>The CLR type the schema expects at a JSON path like <c>$.services[0].assets[1].loaded</c>.</summary>
    private static Type? TypeAt(JsonTypeInfo root, string path)
    {
        var current = root;
        var i = 1;
        while (i < path.Length)
        {
            string? name = null;
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                name = path[(i + 1)..end];
                i = end;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0)
                {
                    return null;
                }

                var inner = path[(i + 1)..end];
                name = inner.StartsWith('\'') ? inner.Trim('\'') : null;
                i = end + 1;
            }
            else
            {
                return null;
            }

            Type? next = current.Kind switch
            {
                JsonTypeInfoKind.Object when name is not null =>
                    current.Properties.FirstOrDefault(property => string.Equals(property.Name, name, StringComparison.Ordinal))?.PropertyType,
                JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary => current.ElementType,
                _ => null,
            };
            if (next is null)
            {
                return null;
            }

            current = current.Options.GetTypeInfo(next);
        }

        return current.Type;
    }

    private static string Expectation(Type? type)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            null => "another type",
            _ when type == typeof(string) => "a string",
            _ when type == typeof(int) || type == typeof(long) => "an integer",
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number",
            _ when type == typeof(bool) => "true or false",
            _ when type.IsArray || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>)) => "an array",
            _ => "an object",
        };
    }
}
