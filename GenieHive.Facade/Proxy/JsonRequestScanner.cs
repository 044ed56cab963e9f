using GenieHive.Contracts.Json;
using System.Globalization;
using System.Text.Json;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// One forward-only <see cref="Utf8JsonReader"/> pass over a request body: validates it as one JSON object and
/// finds the top-level fields the facade needs (<c>model</c> and where its value sits, <c>stream</c>,
/// <c>messages</c> and its conversation opening, <c>prompt</c>, <c>input</c>) without building a DOM. Every string in it,
/// keys included, must be Unicode text (<see cref="JsonUnicode"/>): the one place the facade decides that, so every later
/// step that parses or rewrites the body (policy, model splicing) sees only text System.Text.Json can read and write.
/// </summary>
public static class JsonRequestScanner
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    public static ScannedRequest Scan(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        string? model = null;
        int modelStart = -1, modelEnd = -1;
        var stream = false;
        var streamOptions = false;
        var messages = FieldShape.Missing;
        var prompt = FieldShape.Missing;
        var input = FieldShape.Missing;
        var opening = default(ConversationOpening);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return ScannedRequest.Invalid("The request body must be a JSON object.", null, OpenAiJsonCodes.InvalidJson);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (UnicodeProblem(ref reader) is { } nameProblem)
                {
                    return nameProblem;
                }

                if (reader.ValueTextEquals("model"u8))
                {
                    if (modelStart >= 0)
                    {
                        return ScannedRequest.Invalid("'model' appears more than once.", "model", OpenAiJsonCodes.InvalidType);
                    }

                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        return ScannedRequest.Invalid("'model' must be a string.", "model", OpenAiJsonCodes.InvalidType);
                    }

                    if (UnicodeProblem(ref reader) is { } modelProblem)
                    {
                        return modelProblem;
                    }

                    model = reader.GetString();
                    modelStart = (int)reader.TokenStartIndex;
                    modelEnd = (int)reader.BytesConsumed;
                    continue;
                }

                var field = reader.ValueTextEquals("stream"u8) ? TopField.Stream
                    : reader.ValueTextEquals("messages"u8) ? TopField.Messages
                    : reader.ValueTextEquals("prompt"u8) ? TopField.Prompt
                    : reader.ValueTextEquals("input"u8) ? TopField.Input
                    : reader.ValueTextEquals("stream_options"u8) ? TopField.StreamOptions
                    : TopField.Other;
                reader.Read();
                switch (field)
                {
                    case TopField.Stream:
                        stream = reader.TokenType == JsonTokenType.True;
                        break;
                    case TopField.Messages:
                        messages = ShapeOf(reader.TokenType);
                        if (messages == FieldShape.Array)
                        {
                            // On a copy of the reader: the pass below still checks every string of the messages.
                            var opener = reader;
                            opening = ConversationOpening.Read(ref opener, json);
                        }

                        break;
                    case TopField.Prompt:
                        prompt = ShapeOf(reader.TokenType);
                        break;
                    case TopField.Input:
                        input = ShapeOf(reader.TokenType);
                        break;
                    case TopField.StreamOptions:
                        streamOptions = true;
                        break;
                }

                if (SkipChecked(ref reader) is { } problem)
                {
                    return problem;
                }
            }

            // Anything after the object (a second value, garbage) is refused here.
            if (reader.Read())
            {
                return ScannedRequest.Invalid("The request body must be a single JSON object.", null, OpenAiJsonCodes.InvalidJson);
            }
        }
        catch (JsonException)
        {
            return ScannedRequest.Invalid("The request body is not valid JSON.", null, OpenAiJsonCodes.InvalidJson);
        }
        catch (InvalidOperationException)
        {
            // GetString failing on text JsonUnicode let through: it should not happen, and must not become a 500.
            return ScannedRequest.Invalid("The request body is not valid Unicode.", null, OpenAiJsonCodes.InvalidJson);
        }

        if (model is null)
        {
            return ScannedRequest.Invalid("Missing 'model' in request body.", "model", OpenAiJsonCodes.MissingParameter);
        }

        return new ScannedRequest(model, modelStart, modelEnd, stream, messages, prompt, input, null, null, null, opening) { HasStreamOptions = streamOptions };
    }

    /// <summary>
    /// Skips the value the reader is on, as <see cref="Utf8JsonReader.Skip"/> does, checking each string on the way;
    /// the refusal when one is not Unicode text.
    /// </summary>
    private static ScannedRequest? SkipChecked(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return UnicodeProblem(ref reader);
        }

        var depth = reader.CurrentDepth;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            if (UnicodeProblem(ref reader) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static ScannedRequest? UnicodeProblem(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName)
            || JsonUnicode.Problem(reader.ValueSpan, reader.ValueIsEscaped) is not { } problem)
        {
            return null;
        }

        return ScannedRequest.Invalid(
            "The request body is not valid Unicode: " + problem + " at byte " + reader.TokenStartIndex.ToString(CultureInfo.InvariantCulture) + ".",
            null,
            OpenAiJsonCodes.InvalidJson);
    }

    private static FieldShape ShapeOf(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => FieldShape.Array,
        JsonTokenType.String => FieldShape.String,
        JsonTokenType.Null => FieldShape.Null,
        _ => FieldShape.Other,
    };

    private enum TopField
    {
        Other,
        Stream,
        Messages,
        Prompt,
        Input,
        StreamOptions,
    }
}

/// <summary>How a top-level field appeared in the body.</summary>
public enum FieldShape
{
    Missing,
    Null,
    Array,
    String,

    /// <summary>A number, boolean or object.</summary>
    Other,
}

/// <summary>Error codes the scanner reports (mirrors <c>OpenAiErrorCodes</c> for the JSON checks).</summary>
internal static class OpenAiJsonCodes
{
    public const string InvalidJson = "invalid_json";
    public const string MissingParameter = "missing_required_parameter";
    public const string InvalidType = "invalid_type";
}

/// <summary>
/// What <see cref="JsonRequestScanner"/> found. <see cref="ModelStart"/>..<see cref="ModelEnd"/> spans the model's
/// JSON string token, quotes included, so the proxy can splice in another value without re-serialising.
/// <see cref="Opening"/> is the conversation's opening, for prefix affinity (chat only).
/// </summary>
public readonly record struct ScannedRequest(
    string? Model,
    int ModelStart,
    int ModelEnd,
    bool Stream,
    FieldShape Messages,
    FieldShape Prompt,
    FieldShape Input,
    string? Error,
    string? ErrorParam,
    string? ErrorCode,
    ConversationOpening Opening = default)
{
    /// <summary>The client sent <c>stream_options</c> (so it said itself whether it wants usage).</summary>
    public bool HasStreamOptions { get; init; }

    public static ScannedRequest Invalid(string error, string? param, string code) =>
        new(null, -1, -1, false, FieldShape.Missing, FieldShape.Missing, FieldShape.Missing, error, param, code);
}
