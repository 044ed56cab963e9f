using System.Buffers;
using System.Text;
using GenieHive.Simulator.Engine;
using GenieHive.Simulator.Wire;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace GenieHive.Simulator.Transcriptions;

/// <summary>
/// A <c>multipart/form-data</c> transcription request, read as a stream: the file is counted and hashed as it
/// arrives (never held in memory), the other fields are read as short strings.
/// </summary>
public sealed class TranscriptionUpload
{
    /// <summary>Longest accepted form field (bytes), so a huge "prompt" cannot be used to exhaust memory.</summary>
    public const int MaxFieldBytes = 64 * 1024;

    private const int FileBufferSize = 64 * 1024;

    public bool HasFile { get; private set; }

    public string? FileName { get; private set; }

    public long FileBytes { get; private set; }

    public ulong FileHash { get; private set; } = PromptMeter.Start;

    public string? Model { get; private set; }

    public string? Language { get; private set; }

    public string? Prompt { get; private set; }

    public string ResponseFormat { get; private set; } = "json";

    public string? Temperature { get; private set; }

    public List<string> TimestampGranularities { get; } = [];

    /// <summary>Reads the whole form; returns the error to answer, or null.</summary>
    public async Task<OpenAiError?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return new OpenAiError(
                StatusCodes.Status415UnsupportedMediaType,
                "Expected a multipart/form-data body with 'file' and 'model'.",
                OpenAiError.InvalidRequest,
                "unsupported_media_type");
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            return OpenAiError.BadRequest("The multipart/form-data body has no boundary.");
        }

        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(FileBufferSize, MaxFieldBytes + 1));
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    continue;
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? string.Empty;
                if (name.Equals("file", StringComparison.Ordinal))
                {
                    HasFile = true;
                    FileName = HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                    await CountFileAsync(section.Body, buffer, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var value = await ReadFieldAsync(section.Body, buffer, cancellationToken).ConfigureAwait(false);
                if (value is null)
                {
                    return OpenAiError.BadRequest($"The form field '{name}' is longer than {MaxFieldBytes} bytes.", name);
                }

                switch (name)
                {
                    case "model":
                        Model = value;
                        break;
                    case "language":
                        Language = value;
                        break;
                    case "prompt":
                        Prompt = value;
                        break;
                    case "response_format":
                        ResponseFormat = value.Trim().ToLowerInvariant();
                        break;
                    case "temperature":
                        Temperature = value;
                        break;
                    case "timestamp_granularities[]" or "timestamp_granularities":
                        TimestampGranularities.Add(value.Trim().ToLowerInvariant());
                        break;
                    default:
                        break;
                }
            }
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return OpenAiError.BadRequest("The multipart/form-data body is malformed: " + exception.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Validate();
    }

    private OpenAiError? Validate()
    {
        if (!HasFile)
        {
            return OpenAiError.BadRequest("'file' is required.", "file");
        }

        if (string.IsNullOrWhiteSpace(Model))
        {
            return OpenAiError.BadRequest("'model' is required.", "model");
        }

        if (ResponseFormat is not ("json" or "text" or "srt" or "vtt" or "verbose_json"))
        {
            return OpenAiError.BadRequest(
                $"'response_format' must be json, text, srt, verbose_json or vtt, not '{ResponseFormat}'.",
                "response_format");
        }

        foreach (var granularity in TimestampGranularities)
        {
            if (granularity is not ("word" or "segment"))
            {
                return OpenAiError.BadRequest("'timestamp_granularities[]' must be word or segment.", "timestamp_granularities[]");
            }
        }

        return null;
    }

    private async Task CountFileAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        var hash = FileHash;
        int read;
        while ((read = await body.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
        {
            hash = PromptMeter.HashBytes(hash, buffer.AsSpan(0, read));
            FileBytes += read;
        }

        FileHash = hash;
    }

    private static async Task<string?> ReadFieldAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        var length = 0;
        int read;
        while ((read = await body.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length - length, MaxFieldBytes + 1 - length)), cancellationToken).ConfigureAwait(false)) > 0)
        {
            length += read;
            if (length > MaxFieldBytes)
            {
                return null;
            }
        }

        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}
