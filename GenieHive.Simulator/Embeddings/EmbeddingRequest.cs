using System.Buffers;
using System.Text.Json;
using GenieHive.Simulator.Models;
using GenieHive.Simulator.Wire;

namespace GenieHive.Simulator.Embeddings;

/// <summary>
/// An embeddings request, embedded while it is read: <c>input</c> (a string, strings, tokens or token arrays),
/// <c>model</c>, <c>encoding_format</c> (<c>float</c> or <c>base64</c>) and <c>dimensions</c>. The raw vectors
/// live in one pooled array; <see cref="Dispose"/> returns it.
/// </summary>
public sealed class EmbeddingRequest : IDisposable
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    private float[] _vectors;
    private int _width;

    private EmbeddingRequest(int width)
    {
        _width = width;
        _vectors = ArrayPool<float>.Shared.Rent(width * 4);
    }

    public ServedModel Model { get; private set; } = null!;

    public bool Base64 { get; private set; }

    /// <summary>The length of the vectors answered: <c>dimensions</c> when given, else the configured length.</summary>
    public int Dimensions { get; private set; }

    public int Count { get; private set; }

    public int PromptTokens { get; private set; }

    /// <summary>The raw (not yet normalized, full-length) vector of input <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Raw(int index) => _vectors.AsSpan(index * _width, _width);

    public void Dispose()
    {
        if (_width > 0)
        {
            ArrayPool<float>.Shared.Return(_vectors);
            _width = 0;
            _vectors = [];
        }
    }

    /// <summary>Reads and embeds the request; returns the error to answer (and no request), or null.</summary>
    public static OpenAiError? TryParse(in ReadOnlySequence<byte> body, ModelCatalog catalog, int width, out EmbeddingRequest? request)
    {
        request = null;
        if (RequestBody.IsBlank(body))
        {
            return OpenAiError.BadRequest("The request body is empty; expected a JSON object.");
        }

        var parsed = new EmbeddingRequest(width);
        var error = parsed.Parse(body, catalog);
        if (error is not null)
        {
            parsed.Dispose();
            return error;
        }

        request = parsed;
        return null;
    }

    private OpenAiError? Parse(in ReadOnlySequence<byte> body, ModelCatalog catalog)
    {
        ServedModel? model = null;
        string? unknownModel = null;
        int? dimensions = null;
        var hasInput = false;
        try
        {
            var reader = new Utf8JsonReader(body, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return OpenAiError.BadRequest("The request body must be a JSON object.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("model"u8))
                {
                    reader.Read();
                    if (!JsonFields.TryReadModel(ref reader, catalog, ModelKind.Embedding, ref model, ref unknownModel))
                    {
                        return OpenAiError.BadRequest("'model' must be a string.", "model");
                    }
                }
                else if (reader.ValueTextEquals("input"u8) || reader.ValueTextEquals("content"u8))
                {
                    reader.Read();
                    var inputError = ReadInput(ref reader);
                    if (inputError is not null)
                    {
                        return inputError;
                    }

                    hasInput = true;
                }
                else if (reader.ValueTextEquals("encoding_format"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("base64"u8))
                    {
                        Base64 = true;
                    }
                    else if (!(reader.TokenType == JsonTokenType.Null
                               || (reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("float"u8))))
                    {
                        return OpenAiError.BadRequest("'encoding_format' must be 'float' or 'base64'.", "encoding_format");
                    }
                }
                else if (reader.ValueTextEquals("dimensions"u8))
                {
                    reader.Read();
                    if (!JsonFields.TryReadPositiveInt(ref reader, ref dimensions))
                    {
                        return OpenAiError.BadRequest("'dimensions' must be a positive integer.", "dimensions");
                    }
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
            return OpenAiError.BadRequest("'input' is required.", "input");
        }

        if (Count == 0)
        {
            return OpenAiError.BadRequest("'input' must not be empty.", "input");
        }

        if (dimensions > _width)
        {
            return OpenAiError.BadRequest($"'dimensions' must be at most {_width} for this model.", "dimensions");
        }

        if (unknownModel is not null)
        {
            return OpenAiError.ModelNotFound(unknownModel);
        }

        model ??= catalog.Default(ModelKind.Embedding);
        if (model is null)
        {
            return OpenAiError.ModelNotFound("(none)");
        }

        Model = model;
        Dimensions = dimensions ?? _width;
        return null;
    }

    private OpenAiError? ReadInput(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                AddText(ref reader);
                return null;

            case JsonTokenType.StartArray:
                var depth = reader.CurrentDepth;
                var flatTokens = false;
                while (reader.Read() && reader.CurrentDepth > depth)
                {
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.String:
                            AddText(ref reader);
                            break;

                        // [1, 2, 3]: one input given as tokens.
                        case JsonTokenType.Number when reader.TryGetInt64(out var token):
                            if (!flatTokens)
                            {
                                NextInput();
                                flatTokens = true;
                            }

                            BagOfWordsEmbedder.AddToken(token, Current());
                            PromptTokens++;
                            break;

                        // [[1, 2], [3]]: one input per inner array.
                        case JsonTokenType.StartArray when reader.CurrentDepth == depth + 1:
                            NextInput();
                            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                            {
                                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var inner))
                                {
                                    return OpenAiError.BadRequest("Token arrays in 'input' must contain integers.", "input");
                                }

                                BagOfWordsEmbedder.AddToken(inner, Current());
                                PromptTokens++;
                            }

                            break;

                        default:
                            return OpenAiError.BadRequest("'input' must be a string, an array of strings, or tokens.", "input");
                    }
                }

                return null;

            default:
                return OpenAiError.BadRequest("'input' must be a string, an array of strings, or tokens.", "input");
        }
    }

    private void AddText(ref Utf8JsonReader reader)
    {
        NextInput();
        if (!reader.HasValueSequence && !reader.ValueIsEscaped)
        {
            PromptTokens += BagOfWordsEmbedder.AddText(reader.ValueSpan, Current());
            return;
        }

        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = reader.CopyString(rented);
            PromptTokens += BagOfWordsEmbedder.AddText(rented.AsSpan(0, written), Current());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void NextInput()
    {
        Count++;
        var needed = Count * _width;
        if (needed > _vectors.Length)
        {
            var larger = ArrayPool<float>.Shared.Rent(needed * 2);
            _vectors.AsSpan(0, (Count - 1) * _width).CopyTo(larger);
            ArrayPool<float>.Shared.Return(_vectors);
            _vectors = larger;
        }

        // Pooled arrays come back dirty.
        Current().Clear();
    }

    private Span<float> Current() => _vectors.AsSpan((Count - 1) * _width, _width);
}
