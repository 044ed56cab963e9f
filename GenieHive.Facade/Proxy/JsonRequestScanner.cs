using System.Text.Json;

namespace GenieHive.Facade.Proxy;

/// <summary>
/// One forward-only <see cref="Utf8JsonReader"/> pass over a request body: validates it as one JSON object and
/// finds the top-level fields the facade needs (<c>model</c> and where its value sits, <c>stream</c>,
/// <c>messages</c> and its conversation opening, <c>prompt</c>, <c>input</c>) without building a DOM.
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

                    model = reader.GetString();
                    modelStart = (int)reader.TokenStartIndex;
                    modelEnd = (int)reader.BytesConsumed;
                }
                else if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    stream = reader.TokenType == JsonTokenType.True;
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("messages"u8))
                {
                    reader.Read();
                    messages = ShapeOf(reader.TokenType);
                    if (messages == FieldShape.Array)
                    {
                        opening = ConversationOpening.Read(ref reader, json);
                    }
                }
                else if (reader.ValueTextEquals("prompt"u8))
                {
                    reader.Read();
                    prompt = ShapeOf(reader.TokenType);
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("input"u8))
                {
                    reader.Read();
                    input = ShapeOf(reader.TokenType);
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
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
            // GetString on a string that is not valid UTF-8 (the reader itself lets such bytes through).
            return ScannedRequest.Invalid("The request body is not valid UTF-8.", null, OpenAiJsonCodes.InvalidJson);
        }

        if (model is null)
        {
            return ScannedRequest.Invalid("Missing 'model' in request body.", "model", OpenAiJsonCodes.MissingParameter);
        }

        return new ScannedRequest(model, modelStart, modelEnd, stream, messages, prompt, input, null, null, null, opening);
    }

    private static FieldShape ShapeOf(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => FieldShape.Array,
        JsonTokenType.String => FieldShape.String,
        JsonTokenType.Null => FieldShape.Null,
        _ => FieldShape.Other,
    };
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
    public static ScannedRequest Invalid(string error, string? param, string code) =>
        new(null, -1, -1, false, FieldShape.Missing, FieldShape.Missing, FieldShape.Missing, error, param, code);
}
