using System.Buffers;
using System.Text.Json;
using GenieHive.Simulator.Engine;
using GenieHive.Simulator.Models;
using GenieHive.Simulator.Wire;

namespace GenieHive.Simulator.Generation;

/// <summary>What a chat or text completion request asks for, read without building a DTO of the whole body.</summary>
public struct GenerationRequest
{
    public ServedModel Model;
    public bool Stream;
    public bool IncludeUsage;
    public int? MaxTokens;
    public bool Reasoning;
    public int PromptTokens;
    public ulong PromptHash;

    /// <summary>The prompt's token ids, when the prompt cache is on (null otherwise).</summary>
    public TokenSequence? PromptIds;

    /// <summary>llama-server's <c>cache_prompt</c>: whether this request may reuse a slot's cached prefix (default true).</summary>
    public bool CachePrompt;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 256 };

    /// <summary>
    /// Reads the fields the simulator uses (<c>model</c>, <c>stream</c>, <c>stream_options.include_usage</c>,
    /// <c>max_tokens</c>/<c>max_completion_tokens</c>/<c>n_predict</c>, <c>cache_prompt</c>, <c>sim_reasoning</c>,
    /// and <c>messages</c> for chat or <c>prompt</c> for text), skipping every other field. With
    /// <paramref name="recordTokens"/> (the prompt cache is on) it also records the prompt's token ids. Returns the
    /// error to answer, or null.
    /// </summary>
    public static OpenAiError? TryParse(in ReadOnlySequence<byte> body, ModelCatalog catalog, bool chat, bool recordTokens, out GenerationRequest request)
    {
        request = default;
        request.CachePrompt = true;
        if (RequestBody.IsBlank(body))
        {
            return OpenAiError.BadRequest("The request body is empty; expected a JSON object.");
        }

        ServedModel? model = null;
        string? unknownModel = null;
        var hasInput = false;
        int? maxTokens = null;
        int? maxCompletionTokens = null;
        var meter = new PromptMeter(recordTokens ? new TokenSequence() : null);
        try
        {
            // A body that arrived in one segment is read as a span, which the reader walks faster.
            var reader = body.IsSingleSegment ? new Utf8JsonReader(body.FirstSpan, ReaderOptions) : new Utf8JsonReader(body, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return OpenAiError.BadRequest("The request body must be a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("model"u8))
                {
                    reader.Read();
                    if (!JsonFields.TryReadModel(ref reader, catalog, ModelKind.Chat, ref model, ref unknownModel))
                    {
                        return OpenAiError.BadRequest("'model' must be a string.", "model");
                    }
                }
                else if (reader.ValueTextEquals("stream"u8))
                {
                    reader.Read();
                    if (!JsonFields.TryReadBool(ref reader, ref request.Stream))
                    {
                        return OpenAiError.BadRequest("'stream' must be a boolean.", "stream");
                    }
                }
                else if (reader.ValueTextEquals("sim_reasoning"u8))
                {
                    reader.Read();
                    if (!JsonFields.TryReadBool(ref reader, ref request.Reasoning))
                    {
                        return OpenAiError.BadRequest("'sim_reasoning' must be a boolean.", "sim_reasoning");
                    }
                }
                else if (reader.ValueTextEquals("cache_prompt"u8))
                {
                    reader.Read();
                    if (!JsonFields.TryReadBool(ref reader, ref request.CachePrompt))
                    {
                        return OpenAiError.BadRequest("'cache_prompt' must be a boolean.", "cache_prompt");
                    }
                }
                else if (reader.ValueTextEquals("stream_options"u8))
                {
                    reader.Read();
                    if (!TryReadStreamOptions(ref reader, ref request.IncludeUsage))
                    {
                        return OpenAiError.BadRequest("'stream_options' must be an object with a boolean 'include_usage'.", "stream_options");
                    }
                }
                else if (reader.ValueTextEquals("max_tokens"u8) || reader.ValueTextEquals("n_predict"u8))
                {
                    reader.Read();
                    if (!JsonFields.TryReadTokenLimit(ref reader, ref maxTokens))
                    {
                        return OpenAiError.BadRequest("'max_tokens' must be a positive integer.", "max_tokens");
                    }
                }
                else if (reader.ValueTextEquals("max_completion_tokens"u8))
                {
                    reader.Read();
                    if (!JsonFields.TryReadTokenLimit(ref reader, ref maxCompletionTokens))
                    {
                        return OpenAiError.BadRequest("'max_completion_tokens' must be a positive integer.", "max_completion_tokens");
                    }
                }
                else if (chat && reader.ValueTextEquals("messages"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        return OpenAiError.BadRequest("'messages' must be an array.", "messages");
                    }

                    hasInput = MeasureMessages(ref reader, ref meter);
                }
                else if (!chat && reader.ValueTextEquals("prompt"u8))
                {
                    reader.Read();
                    if (!TryMeasurePrompt(ref reader, ref meter))
                    {
                        return OpenAiError.BadRequest("'prompt' must be a string, an array of strings or an array of tokens.", "prompt");
                    }

                    meter.Seal(TokenIds.NoRole);
                    hasInput = true;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.Read())
            {
                return OpenAiError.BadRequest("Unexpected content after the JSON object.");
            }
        }
        catch (JsonException exception)
        {
            return OpenAiError.BadRequest("The request body is not valid JSON: " + exception.Message);
        }
        catch (InvalidOperationException exception)
        {
            return OpenAiError.NotUnicodeText(exception);
        }

        if (!hasInput)
        {
            return chat
                ? OpenAiError.BadRequest("'messages' is required and must not be empty.", "messages")
                : OpenAiError.BadRequest("'prompt' is required.", "prompt");
        }

        if (unknownModel is not null)
        {
            return OpenAiError.ModelNotFound(unknownModel);
        }

        model ??= catalog.Default(ModelKind.Chat);
        if (model is null)
        {
            return OpenAiError.ModelNotFound("(none)");
        }

        request.Model = model;
        request.MaxTokens = maxCompletionTokens ?? maxTokens;
        request.PromptTokens = Math.Max(1, meter.Tokens);
        request.PromptHash = meter.Hash;
        request.PromptIds = meter.RecordedTokens;
        return null;
    }

    private static bool TryReadStreamOptions(ref Utf8JsonReader reader, ref bool includeUsage)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("include_usage"u8))
            {
                reader.Read();
                if (!JsonFields.TryReadBool(ref reader, ref includeUsage))
                {
                    return false;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return true;
    }

    // Counts the words of every "content" string and "text" part; true when there was at least one message. Each
    // message's words are sealed with its role when the message ends (the role may come after the content).
    private static bool MeasureMessages(ref Utf8JsonReader reader, ref PromptMeter meter)
    {
        var depth = reader.CurrentDepth;
        var messages = 0;
        var countNext = false;
        var roleNext = false;
        var role = TokenIds.NoRole;
        while (reader.Read() && reader.CurrentDepth > depth)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject when reader.CurrentDepth == depth + 1:
                    messages++;
                    countNext = false;
                    role = TokenIds.NoRole;
                    break;
                case JsonTokenType.EndObject when reader.CurrentDepth == depth + 1:
                    meter.Seal(role);
                    break;
                case JsonTokenType.PropertyName:
                    countNext = reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("text"u8);
                    roleNext = reader.CurrentDepth == depth + 2 && reader.ValueTextEquals("role"u8);
                    break;
                case JsonTokenType.String:
                    if (countNext)
                    {
                        meter.AddString(ref reader);
                    }
                    else if (roleNext && meter.RecordedTokens is not null)
                    {
                        role = TokenIds.Role(reader.HasValueSequence || reader.ValueIsEscaped ? System.Text.Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan);
                    }

                    countNext = false;
                    roleNext = false;
                    break;
                case JsonTokenType.StartArray:
                    // "content": [ {"type":"text","text":"..."} ]: the parts name their own fields.
                    countNext = false;
                    roleNext = false;
                    break;
                default:
                    countNext = false;
                    roleNext = false;
                    break;
            }
        }

        return messages > 0;
    }

    private static bool TryMeasurePrompt(ref Utf8JsonReader reader, ref PromptMeter meter)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                meter.AddString(ref reader);
                return true;
            case JsonTokenType.StartArray:
                var depth = reader.CurrentDepth;
                while (reader.Read() && reader.CurrentDepth > depth)
                {
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.String:
                            meter.AddString(ref reader);
                            break;
                        case JsonTokenType.Number when reader.TryGetInt64(out var token):
                            meter.AddToken(token);
                            break;
                        case JsonTokenType.StartArray when reader.CurrentDepth == depth + 1:
                        case JsonTokenType.EndArray:
                            break;
                        default:
                            return false;
                    }
                }

                return true;
            default:
                return false;
        }
    }
}
